# This template was emptied while the builds moved to layers/.
// Nothing is declared here any more.
/* A block comment
   over several lines. */
