"""PDF primitives the documents share: typesetting with the fonts shipped here, and the
streaming writer that keeps a long packet's memory flat."""
