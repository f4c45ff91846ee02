"""The live window: main window, its panels, plots, settings and calibration dialogs."""
