package config

// PersistedDocuments serves trusted documents from a manifest in Apollo's
// persisted query list format (off unless manifest is set).
type PersistedDocuments struct {
	// Manifest is the manifest file ({"format":
	// "apollo-persisted-query-manifest", "version": 1, "operations": [{id,
	// body, name, type}]}); clients name its documents by
	// extensions.persistedQuery.sha256Hash or documentId. Re-read on every
	// supergraph reload (SIGHUP, --hot-reload, which also watches it); a
	// bad manifest refuses the start or the reload.
	Manifest string `yaml:"manifest"`
	// Require refuses every document that is not in the manifest
	// (PERSISTED_QUERY_NOT_IN_LIST), and automatic persisted queries cannot
	// register new ones (default false).
	Require bool `yaml:"require"`
	// LogUnknown logs every document that is not in the manifest (default
	// false).
	LogUnknown bool `yaml:"log_unknown"`
}

func (p *PersistedDocuments) validate(probs []string) []string {
	if p.Manifest == "" && (p.Require || p.LogUnknown) {
		probs = append(probs, "persisted_documents.manifest: required with require or log_unknown")
	}
	return probs
}
