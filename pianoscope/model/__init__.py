"""The CNN + LSTM classifier: labels, data synthesis, training, evaluation, streaming inference."""
