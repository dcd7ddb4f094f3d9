package model

import (
	"encoding/json"
	"fmt"
	"sort"
)

// CatalogEntry is what the gateway needs to know of a service before loading its model.
type CatalogEntry struct {
	Name string `json:"-"`
	Metadata
	OperationNames []string `json:"operations"`
	ops            map[string]bool
}

// HasOperation reports whether the service's model defines op.
func (e *CatalogEntry) HasOperation(op string) bool { return e.ops[op] }

// Catalog lists every vendored service's metadata, read from data/index.json
// (written by codegen/vendor-models.py), without parsing the models.
type Catalog struct {
	Entries []*CatalogEntry // by name
	byName  map[string]*CatalogEntry
}

// LoadCatalog reads the embedded catalog.
func LoadCatalog() (*Catalog, error) {
	raw, err := data.ReadFile("data/index.json")
	if err != nil {
		return nil, fmt.Errorf("model catalog: %w", err)
	}
	var m map[string]*CatalogEntry
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("model catalog: %w", err)
	}
	c := &Catalog{byName: m}
	for name, e := range m {
		e.Name = name
		e.ops = make(map[string]bool, len(e.OperationNames))
		for _, op := range e.OperationNames {
			e.ops[op] = true
		}
		c.Entries = append(c.Entries, e)
	}
	sort.Slice(c.Entries, func(i, j int) bool { return c.Entries[i].Name < c.Entries[j].Name })
	return c, nil
}

// Lookup returns the named entry.
func (c *Catalog) Lookup(name string) (*CatalogEntry, bool) {
	e, ok := c.byName[name]
	return e, ok
}
