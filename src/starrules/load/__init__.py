"""Loading: YAML text → validated ruleset documents → compiled `Ruleset`s, and the registry
that finds the ruleset in force for a jurisdiction, kind and date."""
