"""The investor feature: industrial parks ranked by declared criteria (see ``atlas.parks.criteria``); no Flask."""
