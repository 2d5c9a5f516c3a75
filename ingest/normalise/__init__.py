"""Raw records to normalised incidents: dates, countries, labels, places."""
