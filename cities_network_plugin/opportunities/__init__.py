"""Learning opportunities (courses and off-platform activities) tagged by city, and playlists of them."""
