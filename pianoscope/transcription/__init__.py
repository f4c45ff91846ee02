"""Note transcription with a small learned model: spectrogram, network, decoding.

`analyse`, the score comparison and everything else that reads notes use it through
`transcriber.NoteTranscriber`; no Qt, and torch only for training (`training`).
"""
