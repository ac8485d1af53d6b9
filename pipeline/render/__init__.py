"""Renderers: each dresses the same Documents in its own templates and CSS from styles/."""
