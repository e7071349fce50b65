# Exports public UCI classification data sets from the R package mlbench to
# bench/data/<name>.csv.gz for bench/many-class-streams.ts, so the benchmark
# reads them with node:zlib and needs no R at run time.
#
#   Rscript bench/data/export-mlbench.R bench/data
#
# Each file: a header, then one row per example: label (the class factor's
# level index, 0-based, in level order) first, then the numeric features as
# mlbench holds them. Vowel's V1 is the speaker number (0-14), an identity
# rather than a measurement, so it is left out (9 numeric features remain).
library(mlbench)
out <- commandArgs(trailingOnly = TRUE)[1]
if (is.na(out)) out <- "."
sets <- list(
  letter = list(data = "LetterRecognition", label = "lettr", drop = character(0)),
  satellite = list(data = "Satellite", label = "classes", drop = character(0)),
  shuttle = list(data = "Shuttle", label = "Class", drop = character(0)),
  vowel = list(data = "Vowel", label = "Class", drop = "V1"),
  vehicle = list(data = "Vehicle", label = "Class", drop = character(0)),
  glass = list(data = "Glass", label = "Type", drop = character(0))
)
for (name in names(sets)) {
  s <- sets[[name]]
  e <- new.env()
  data(list = s$data, envir = e)
  d <- get(s$data, envir = e)
  stopifnot(!anyNA(d))
  features <- setdiff(names(d), c(s$label, s$drop))
  stopifnot(all(vapply(d[features], is.numeric, TRUE)))
  frame <- data.frame(label = as.integer(d[[s$label]]) - 1L, d[features])
  con <- gzfile(file.path(out, paste0(name, ".csv.gz")), "w", compression = 9)
  write.csv(frame, con, row.names = FALSE, quote = FALSE)
  close(con)
  cat(sprintf("%s: %s, %d rows, %d features, %d classes (%s)\n", name, s$data, nrow(d), length(features),
              nlevels(d[[s$label]]), paste(levels(d[[s$label]]), collapse = " ")))
}
