"""Pure numpy/scipy signal processing: spectra, corrected spectrum, pitch, onsets, features."""
