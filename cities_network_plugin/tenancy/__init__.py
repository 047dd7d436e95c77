"""City tenancy: cities, their Open edX organisations and sites, and who may act for them."""
