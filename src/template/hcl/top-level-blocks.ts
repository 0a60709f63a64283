/**
 * The block types a Packer template has at its top level. The parser is otherwise generic HCL;
 * it uses this list only to recover from errors: a line at column 1 that opens one of these
 * blocks is where the author meant the previous top-level block, or a heredoc, to be over.
 */
export const TOP_LEVEL_BLOCKS: ReadonlySet<string> = new Set(['variable', 'variables', 'locals', 'local', 'source', 'data', 'build', 'packer']);

/** `build {`, `source "qemu" "x" {`: a line (without its indentation) that opens a top-level block. */
export const TOP_LEVEL_BLOCK_LINE = /^(?:variables?|locals?|source|data|build|packer)(?:[ \t]+["\p{ID_Start}_]|[ \t]*\{)/u;
