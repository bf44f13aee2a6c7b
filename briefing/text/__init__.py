"""Text knowledge shared by every stage: scripts and languages, word segmentation,
sentences, what a voice says for what is written, and the patterns of news copy."""
