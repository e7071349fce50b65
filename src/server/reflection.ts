import type { Server } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import descriptorModule from 'protobufjs/ext/descriptor/index.js';

/*
 * Server reflection that clients other than grpc-node can use.
 *
 * proto-loader regroups a schema into one file descriptor per package
 * ("tact_v1.proto", "google_protobuf.proto") and writes neither the files'
 * `dependency` lists nor fully-qualified type names. @grpc/reflection serves
 * those descriptors as they are, so buf curl and grpcurl can list the services
 * but cannot link tact_v1.proto (its google.protobuf.Timestamp comes from a
 * file it never imports): "failed to find service named ...". Here every
 * descriptor gets its imports and fully-qualified references, proto3
 * `optional` fields their proto3_optional flag, and the health service is
 * described too, so clients can discover it.
 */

interface FieldDescriptor {
  name: string;
  typeName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
}
interface MessageDescriptor {
  name: string;
  field?: FieldDescriptor[];
  nestedType?: MessageDescriptor[];
  enumType?: { name: string }[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface ServiceDescriptor {
  name: string;
  method?: { inputType?: string; outputType?: string }[];
}
interface FileDescriptor {
  name: string;
  package?: string;
  dependency?: string[];
  messageType?: MessageDescriptor[];
  enumType?: { name: string }[];
  service?: ServiceDescriptor[];
}
interface DescriptorCodec {
  decode(bytes: Uint8Array): FileDescriptor;
  encode(file: FileDescriptor): { finish(): Uint8Array };
}

const { FileDescriptorProto } = descriptorModule as unknown as { FileDescriptorProto: DescriptorCodec };

/** Adds reflection (v1 and v1alpha) describing `definition` plus grpc.health.v1. */
export function addReflection(server: Server, definition: protoLoader.PackageDefinition): void {
  const health = protoLoader.loadSync(HEALTH_PROTO);
  new ReflectionService(linkedDefinition({ ...health, ...definition })).addToServer(server);
}

/** The same package definition with every file descriptor linked (imports, qualified names). */
export function linkedDefinition(definition: protoLoader.PackageDefinition): protoLoader.PackageDefinition {
  const files = new Map<string, FileDescriptor>();
  for (const entry of Object.values(definition)) {
    for (const bytes of descriptorsOf(entry)) {
      const file = FileDescriptorProto.decode(bytes);
      if (!files.has(file.name)) files.set(file.name, file);
    }
  }
  for (const file of files.values()) for (const m of file.messageType ?? []) nameMapEntries(m);
  const fileOf = symbolIndex(files.values());
  const encoded = new Map<string, Uint8Array>();
  for (const file of files.values()) {
    link(file, fileOf);
    encoded.set(file.name, FileDescriptorProto.encode(file).finish());
  }
  const relinked: protoLoader.PackageDefinition = {};
  for (const [name, entry] of Object.entries(definition)) {
    const own = descriptorsOf(entry);
    relinked[name] = own.length === 0
      ? entry
      : { ...entry, fileDescriptorProtos: own.map((bytes) => encoded.get(FileDescriptorProto.decode(bytes).name) ?? bytes) } as typeof entry;
  }
  return relinked;
}

function descriptorsOf(entry: unknown): Uint8Array[] {
  const protos = (entry as { fileDescriptorProtos?: unknown }).fileDescriptorProtos;
  return Array.isArray(protos) ? (protos as Uint8Array[]) : [];
}

/**
 * protoc names a map field's entry type "<Field>Entry" and descriptor checkers
 * (Go's protodesc, behind buf curl and grpcurl) reject any other name;
 * proto-loader leaves the suffix off. The entry's name is not on the wire.
 */
function nameMapEntries(m: MessageDescriptor): void {
  for (const nested of m.nestedType ?? []) {
    if (nested.options?.mapEntry) {
      const old = nested.name;
      // protoc: the field name in CamelCase ("sends_per_day" -> "SendsPerDayEntry"); proto-loader only capitalises it ("Sends_per_day").
      const field = (m.field ?? []).find((f) => f.typeName === old || f.typeName?.endsWith(`.${m.name}.${old}`));
      const wanted = `${(field?.name ?? old).replace(/(?:^|_)([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Entry`;
      if (wanted !== old) {
        nested.name = wanted;
        if (field?.typeName) field.typeName = field.typeName === old ? wanted : `${field.typeName.slice(0, -old.length)}${wanted}`;
      }
    }
    nameMapEntries(nested);
  }
}

/** Fully-qualified type name (".pkg.Msg.Nested") -> the file that defines it. */
function symbolIndex(files: Iterable<FileDescriptor>): Map<string, string> {
  const index = new Map<string, string>();
  const visit = (scope: string, m: MessageDescriptor, file: string): void => {
    const fqn = `${scope}.${m.name}`;
    index.set(fqn, file);
    for (const e of m.enumType ?? []) index.set(`${fqn}.${e.name}`, file);
    for (const n of m.nestedType ?? []) visit(fqn, n, file);
  };
  for (const f of files) {
    const scope = f.package ? `.${f.package}` : '';
    for (const m of f.messageType ?? []) visit(scope, m, f.name);
    for (const e of f.enumType ?? []) index.set(`${scope}.${e.name}`, f.name);
  }
  return index;
}

/**
 * Resolves a reference the way protoc does (innermost scope outwards), makes it
 * fully qualified and records the defining file as an import.
 */
function link(file: FileDescriptor, fileOf: Map<string, string>): void {
  const deps = new Set(file.dependency ?? []);
  const resolve = (ref: string | undefined, scope: string): string | undefined => {
    if (!ref) return ref;
    let found: string | undefined;
    if (ref.startsWith('.')) {
      found = fileOf.has(ref) ? ref : undefined;
    } else {
      for (let s = scope; found === undefined; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
        const candidate = `${s}.${ref}`;
        if (fileOf.has(candidate)) found = candidate;
        if (s === '') break;
      }
    }
    if (found === undefined) return ref;
    const owner = fileOf.get(found);
    if (owner !== undefined && owner !== file.name) deps.add(owner);
    return found;
  };
  const visit = (scope: string, m: MessageDescriptor): void => {
    const fqn = `${scope}.${m.name}`;
    for (const f of m.field ?? []) {
      if (f.typeName) f.typeName = resolve(f.typeName, fqn);
      else delete f.typeName;
      // proto-loader keeps proto3 `optional` as a one-field oneof "_<name>" but drops the flag.
      const oneof = f.oneofIndex === undefined ? undefined : m.oneofDecl?.[f.oneofIndex];
      if (oneof?.name === `_${f.name}`) f.proto3Optional = true;
    }
    for (const n of m.nestedType ?? []) visit(fqn, n);
  };
  const scope = file.package ? `.${file.package}` : '';
  for (const m of file.messageType ?? []) visit(scope, m);
  for (const s of file.service ?? []) {
    for (const method of s.method ?? []) {
      method.inputType = resolve(method.inputType, scope);
      method.outputType = resolve(method.outputType, scope);
    }
  }
  file.dependency = [...deps];
}
