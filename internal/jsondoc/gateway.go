package jsondoc

import "github.com/moltbot/moltbot/authstore"

// writeGateway writes "gateway": which gateway release and generation the
// agent's files belong to, how moltbot decided, where that generation keeps
// them, and a migration that is pending (documented in README.md).
func writeGateway(e *encoder, p authstore.Paths) {
	g := p.Gateway
	e.key("gateway")
	e.beginObject()
	e.key("name")
	e.str(g.Name)
	e.key("version")
	e.str(g.Version)
	e.key("generation")
	e.str(g.Generation.String())
	e.key("storage")
	e.str(g.Generation.Storage())
	if g.Generation == authstore.GenSQLite {
		e.key("sharedStateDb")
		e.bool(g.Shared)
	}
	e.key("lock")
	e.str(lockName(g))
	e.key("override")
	e.bool(g.Override)
	e.key("detected")
	e.strings(nonNil(g.How))
	e.key("files")
	e.beginArray()
	for _, f := range p.StoreFiles() {
		e.elem()
		e.beginObject()
		e.key("path")
		e.str(f.Path)
		if f.Holds != "" {
			e.key("holds")
			e.str(f.Holds)
		}
		e.key("exists")
		e.bool(f.Exists)
		e.endObject()
	}
	e.endArray()
	if m := g.Pending; m != nil {
		e.key("pending")
		e.beginObject()
		e.key("reason")
		e.str(m.Reason)
		e.key("command")
		e.str(m.Command)
		e.endObject()
	}
	e.endObject()
}

// lockName is the lock form as "gateway.lock" names it: "none" when the
// gateway is unknown (moltbot writes nothing then).
func lockName(g authstore.Gateway) string {
	if g.Generation == authstore.GenUnknown {
		return "none"
	}
	return g.Lock.String()
}
