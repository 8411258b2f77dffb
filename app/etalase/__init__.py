"""The catalog: three storefronts (etalase), categories and listings."""
