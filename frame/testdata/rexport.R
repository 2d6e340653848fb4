# Writes the R-exported test files of package frame (TestReadRExports in ../csv_test.go):
#   cd frame/testdata && Rscript rexport.R
# The files are committed; the tests do not need R. Written with R 4 (see the version line
# the script prints); write.csv's format has been stable for decades.
cat(R.version.string, "\n")

d <- data.frame(
  y = c(1.5, 2, NA, 4.25, -5e-7, 6),
  x = c(1L, 2L, 3L, NA, 5L, 6L),
  race = factor(c("white", "black", "other", NA, "white", "black")),
  union = c(TRUE, FALSE, NA, TRUE, FALSE, TRUE),
  note = c("plain", "with, comma", "with \"quotes\"", "two\nlines", NA, ""),
  stringsAsFactors = FALSE
)

# write.csv's defaults: an unnamed row-names column, text and factors quoted, NA unquoted,
# TRUE/FALSE for logicals.
write.csv(d, "r_writecsv.csv")
# Without row names.
write.csv(d, "r_norownames.csv", row.names = FALSE)
# Tab-separated, without row names. qmethod = "double" doubles quotes inside text, as
# write.csv does; write.table's default, "escape", writes \" instead, which frame does not read
# (it cannot tell it from a text ending in a backslash).
write.table(d, "r_tab.tsv", sep = "\t", row.names = FALSE, qmethod = "double")
# Named row names (text), from a built-in data set.
write.csv(head(mtcars, 4), "r_mtcars.csv")
# A UTF-8 byte order mark first, as some Windows tools write (R reads it with
# fileEncoding = "UTF-8-BOM" but cannot write it, so the script writes the mark itself).
con <- file("r_bom.csv", "wb")
writeBin(as.raw(c(0xef, 0xbb, 0xbf)), con)
write.csv(d[1:2, c("y", "race")], con)
close(con)
