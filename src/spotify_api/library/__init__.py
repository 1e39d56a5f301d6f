"""A listener's library: saved songs and albums, followed artists."""
