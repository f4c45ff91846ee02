"""What only training and evaluation use: data synthesis, augmentation, GAN, recipe, model card."""
