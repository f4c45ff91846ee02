"""Audio I/O without Qt: ring buffer, live input, file-as-live source, recorder, file loading."""
