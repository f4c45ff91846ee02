"""Note transcription with a small learned model: spectrogram, network, decoding, training.

Not used by `analyse` yet (see the README's note transcription section); no Qt, and torch only
for training.
"""
