/**
 * Splits one line of the simple CSV that OBD writes: comma-separated, no
 * quoted fields (hashes, numbers, timestamps). Quotes are not interpreted,
 * so a quoted comma would split; the reader checks field counts to catch it.
 */
export function splitCsvLine(line: string): string[] {
  return (line.endsWith('\r') ? line.slice(0, -1) : line).split(',');
}
