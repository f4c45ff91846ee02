"""What only training and measuring the note model use: passages, rendering and its cache, the
sampled pianos, the training loop and its checkpoints, the decoding's tuning, the form model's
training. Nothing here runs when a recording is analysed."""
