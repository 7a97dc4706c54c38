package io.brume.unpack;

/** The kinds of filesystem objects a layer entry can create. */
enum EntryKind {
  DIRECTORY,
  FILE,
  SYMLINK,
  HARDLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  FIFO
}
