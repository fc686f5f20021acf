// Package jsondoc writes the JSON documents moltbot prints for scripts:
// `models status --json` (one agent, or every agent) and `models auth order
// get --json`. Their schema is documented in README.md; scripts read it, so
// a change to what these functions write is a change to moltbot's
// interface. The status document is written as it is walked, straight from
// the report (a 100,000-profile store gives 64 MB of JSON, which is never
// held whole); its tests hold it byte for byte to encoding/json's encoding
// of the schema's structs (see status_test.go).
package jsondoc

import (
	"errors"
	"io"
	"iter"
	"os"
	"slices"
	"time"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/probe"
)

// checkFailure is `--check`'s exit code for a store that cannot be read.
const checkFailure = 1

// WriteStatus writes the `models status --json` document of one agent:
// its snapshot evaluated into rep, and the probe results when --probe ran
// (none: no "probes" key). Key names follow the gateway's own `models
// status --json` where they apply; ours sit beside them.
func WriteStatus(w io.Writer, snap authstore.Snapshot, rep authstore.Report, probes []probe.Result) error {
	e := newEncoder(w)
	writeStatus(e, snap, rep, probes)
	e.buf = append(e.buf, '\n')
	return e.flush()
}

// WriteStatusError writes the document of an agent whose store cannot be
// read (err): scripts still get the paths and a machine-readable reason.
func WriteStatusError(w io.Writer, paths authstore.Paths, err error) error {
	e := newEncoder(w)
	writeStatusError(e, paths, err)
	e.buf = append(e.buf, '\n')
	return e.flush()
}

// AllAgents writes the `models status --all-agents --json` document, one
// agent at a time: {"agents": [...], "checkExitCode": n}.
type AllAgents struct {
	e *encoder
}

// NewAllAgents starts the document on w.
func NewAllAgents(w io.Writer) *AllAgents {
	e := newEncoder(w)
	e.beginObject()
	e.key("agents")
	e.beginArray()
	return &AllAgents{e: e}
}

// Status adds an agent whose store was read.
func (a *AllAgents) Status(snap authstore.Snapshot, rep authstore.Report) {
	a.e.elem()
	writeStatus(a.e, snap, rep, nil)
}

// Error adds an agent whose store cannot be read.
func (a *AllAgents) Error(paths authstore.Paths, err error) {
	a.e.elem()
	writeStatusError(a.e, paths, err)
}

// Close ends the document with the worst agent's --check code and writes
// what is left.
func (a *AllAgents) Close(check int) error {
	e := a.e
	e.endArray()
	e.key("checkExitCode")
	e.int(int64(check))
	e.endObject()
	e.buf = append(e.buf, '\n')
	return e.flush()
}

func writeStatus(e *encoder, snap authstore.Snapshot, rep authstore.Report, probes []probe.Result) {
	e.beginObject()
	e.key("agentDir")
	e.str(snap.Paths.AgentDir)
	if snap.Paths.AgentID != "" {
		e.key("agentId")
		e.str(snap.Paths.AgentID)
	}
	writeGateway(e, snap.Paths)
	e.key("auth")
	e.beginObject()
	e.key("storePath")
	e.str(snap.StorePath())
	e.key("storeExists")
	e.bool(snap.Exists)
	if snap.Paths.ConfigExists && snap.Paths.Config != "" {
		e.key("configPath")
		e.str(snap.Paths.Config)
	}
	e.key("missingProvidersInUse")
	e.strings(nonNil(rep.MissingInUse))
	writeUnusable(e, rep)
	e.key("oauth")
	e.beginObject()
	e.key("warnAfterMs")
	e.int(rep.Warn.Milliseconds())
	writeOAuthProfiles(e, rep)
	writeOAuthProviders(e, rep)
	e.endObject()
	writeProviders(e, rep)
	e.key("env")
	e.beginArray()
	for _, p := range rep.Providers {
		for _, env := range p.Env {
			e.elem()
			writeEnv(e, env)
		}
	}
	e.endArray()
	if len(snap.LegacyImported) > 0 {
		e.key("legacyImport")
		e.strings(snap.LegacyImported)
	}
	if snap.ConfigErr != nil {
		if msg := snap.ConfigErr.Error(); msg != "" {
			e.key("configError")
			e.str(msg)
		}
	}
	if len(probes) > 0 {
		e.key("probes")
		e.value(probes)
	}
	e.endObject()
	e.key("checkExitCode")
	e.int(int64(rep.Check()))
	e.key("now")
	e.int(rep.Now.UnixMilli())
	e.endObject()
}

// gateway reports whether the gateway's own keys (oauth, unusableProfiles)
// list p: profiles without a provider are only in ours.
func gateway(p *authstore.ProviderReport) bool { return p.Provider != authstore.NoProvider }

// gatewayProfiles yields each profile the gateway's own keys list, with
// its provider, in the report's order.
func gatewayProfiles(rep authstore.Report) iter.Seq2[*authstore.ProviderReport, *authstore.ProfileReport] {
	return func(yield func(*authstore.ProviderReport, *authstore.ProfileReport) bool) {
		for i := range rep.Providers {
			p := &rep.Providers[i]
			if !gateway(p) {
				continue
			}
			for j := range p.Profiles {
				if !yield(p, &p.Profiles[j]) {
					return
				}
			}
		}
	}
}

// writeUnusable writes "unusableProfiles": the gateway's profiles in a
// cooldown or disabled, the soonest back first, as the gateway sorts them.
func writeUnusable(e *encoder, rep authstore.Report) {
	e.key("unusableProfiles")
	e.beginArray()
	type unusable struct {
		p  *authstore.ProviderReport
		pr *authstore.ProfileReport
	}
	var list []unusable
	for p, pr := range gatewayProfiles(rep) {
		if pr.Health.Unusable != "" {
			list = append(list, unusable{p, pr})
		}
	}
	slices.SortStableFunc(list, func(a, b unusable) int { return a.pr.Health.Until.Compare(b.pr.Health.Until) })
	for _, u := range list {
		p, pr := u.p, u.pr
		h := &pr.Health
		e.elem()
		e.beginObject()
		e.key("profileId")
		e.str(pr.Profile.ID)
		e.key("provider")
		e.str(p.Provider)
		e.key("kind")
		e.str(h.Unusable)
		if h.Reason != "" {
			e.key("reason")
			e.str(h.Reason)
		}
		e.key("until")
		e.int(h.Until.UnixMilli())
		e.key("remainingMs")
		e.int(h.Until.Sub(rep.Now).Milliseconds())
		e.endObject()
	}
	e.endArray()
}

// writeOAuthProfiles writes the gateway's "oauth.profiles": every profile
// of every provider, with its label.
func writeOAuthProfiles(e *encoder, rep authstore.Report) {
	e.key("profiles")
	e.beginArray()
	for p, pr := range gatewayProfiles(rep) {
		prof, h := &pr.Profile, &pr.Health
		e.elem()
		e.beginObject()
		e.key("profileId")
		e.str(prof.ID)
		e.key("provider")
		e.str(p.Provider)
		e.key("type")
		e.str(prof.Type)
		e.key("status")
		e.str(string(h.Status))
		writeExpiry(e, h.ExpiresAt, h.Remaining)
		e.key("label")
		if prof.Email != "" {
			// The label is the id and " (email)": escaped in parts,
			// as the joins are ASCII the parts escape as the whole.
			e.buf = append(e.buf, '"')
			e.buf = appendStringBody(e.buf, prof.ID)
			e.buf = append(e.buf, ' ', '(')
			e.buf = appendStringBody(e.buf, prof.Email)
			e.buf = append(e.buf, ')', '"')
		} else {
			e.str(prof.ID)
		}
		e.endObject()
	}
	e.endArray()
}

// writeExpiry writes "expiresAt" and "remainingMs": null both when the
// credential does not expire.
func writeExpiry(e *encoder, at time.Time, remaining time.Duration) {
	has := !at.IsZero()
	e.key("expiresAt")
	e.intOrNull(at.UnixMilli(), has)
	e.key("remainingMs")
	e.intOrNull(remaining.Milliseconds(), has)
}

// soonestExpiry is the earliest expiry of p's profiles; zero when none
// expires.
func soonestExpiry(p *authstore.ProviderReport) time.Time {
	var soonest time.Time
	for j := range p.Profiles {
		at := p.Profiles[j].Health.ExpiresAt
		if !at.IsZero() && (soonest.IsZero() || at.Before(soonest)) {
			soonest = at
		}
	}
	return soonest
}

// writeOAuthProviders writes the gateway's "oauth.providers": each
// provider's status and its soonest expiry.
func writeOAuthProviders(e *encoder, rep authstore.Report) {
	e.key("providers")
	e.beginArray()
	for i := range rep.Providers {
		p := &rep.Providers[i]
		if !gateway(p) {
			continue
		}
		soonest := soonestExpiry(p)
		e.elem()
		e.beginObject()
		e.key("provider")
		e.str(p.Provider)
		e.key("status")
		e.str(string(gatewayStatus(p)))
		writeExpiry(e, soonest, soonest.Sub(rep.Now))
		e.endObject()
	}
	e.endArray()
}

// gatewayStatus is the provider's status as its gateway release reports
// it (authstore's GatewayRules); moltbot's own is in "providers".
func gatewayStatus(p *authstore.ProviderReport) authstore.Status {
	if p.GatewayStatus != "" {
		return p.GatewayStatus
	}
	return p.Status
}

// writeProviders writes "providers": ours, with the effective order and a
// row per profile.
func writeProviders(e *encoder, rep authstore.Report) {
	e.key("providers")
	e.beginArray()
	for i := range rep.Providers {
		p := &rep.Providers[i]
		e.elem()
		e.beginObject()
		e.key("provider")
		if gateway(p) {
			e.str(p.Provider)
		} else {
			e.str("")
			e.key("noProvider")
			e.bool(true)
		}
		e.key("status")
		e.str(string(p.Status))
		e.key("inUse")
		e.bool(p.InUse)
		e.key("missing")
		e.bool(p.Missing)
		e.key("order")
		e.beginObject()
		e.key("source")
		e.str(string(p.Order.Source))
		e.key("ids")
		e.strings(nonNil(p.Order.IDs))
		e.key("excluded")
		e.beginArray()
		for _, ex := range p.Order.Excluded {
			e.elem()
			e.beginObject()
			e.key("profileId")
			e.str(ex.ID)
			e.key("reason")
			e.str(ex.Reason)
			e.endObject()
		}
		e.endArray()
		e.endObject()
		e.key("profiles")
		e.beginArray()
		for j := range p.Profiles {
			e.elem()
			writeRow(e, &p.Profiles[j])
		}
		e.endArray()
		e.key("env")
		e.beginArray()
		for _, env := range p.Env {
			e.elem()
			writeEnv(e, env)
		}
		e.endArray()
		e.endObject()
	}
	e.endArray()
}

// writeRow writes one profile of "providers[].profiles".
func writeRow(e *encoder, pr *authstore.ProfileReport) {
	prof, h := &pr.Profile, &pr.Health
	e.beginObject()
	e.key("profileId")
	e.str(prof.ID)
	e.key("type")
	e.str(prof.Type)
	e.key("status")
	e.str(string(h.Status))
	if h.Refreshable {
		e.key("refreshable")
		e.bool(true)
	}
	e.key("label")
	e.str(h.Label())
	e.key("mask")
	e.buf = appendMask(e.buf, prof.Secret())
	if prof.Email != "" {
		e.key("email")
		e.str(prof.Email)
	}
	e.key("rank")
	e.int(int64(pr.Rank))
	if pr.Excluded != "" {
		e.key("excluded")
		e.str(pr.Excluded)
	}
	writeExpiry(e, h.ExpiresAt, h.Remaining)
	e.key("lastUsed")
	e.intOrNull(pr.LastUsed.UnixMilli(), !pr.LastUsed.IsZero())
	if h.Unusable != "" {
		e.key("unusable")
		e.str(h.Unusable)
		if !h.Until.IsZero() {
			e.key("until")
			e.int(h.Until.UnixMilli())
		}
	}
	if h.Reason != "" {
		e.key("reason")
		e.str(h.Reason)
	}
	e.endObject()
}

// appendMask appends the JSON string of authstore.Mask(secret).
func appendMask(dst []byte, secret string) []byte {
	return appendString(dst, authstore.Mask(secret))
}

func writeEnv(e *encoder, env authstore.EnvCredential) {
	e.beginObject()
	e.key("provider")
	e.str(env.Provider)
	e.key("var")
	e.str(env.Var)
	e.key("source")
	e.str(env.Source)
	e.key("mask")
	e.buf = appendMask(e.buf, env.Value)
	e.endObject()
}

// errorKind names, for scripts, why a store cannot be read.
func errorKind(err error) (kind string, line, column int) {
	var ce *authstore.CorruptError
	var mpe *authstore.MigrationPendingError
	switch {
	case errors.As(err, &mpe):
		return "migration-pending", 0, 0
	case errors.As(err, &ce):
		return "corrupt", ce.Line, ce.Column
	case errors.Is(err, authstore.ErrLocked):
		return "locked", 0, 0
	case errors.Is(err, os.ErrPermission):
		return "permission", 0, 0
	}
	return "io", 0, 0
}

func writeStatusError(e *encoder, paths authstore.Paths, err error) {
	kind, line, column := errorKind(err)
	e.beginObject()
	e.key("agentDir")
	e.str(paths.AgentDir)
	if paths.AgentID != "" {
		e.key("agentId")
		e.str(paths.AgentID)
	}
	writeGateway(e, paths)
	e.key("auth")
	e.beginObject()
	e.key("storePath")
	e.str(paths.StorePath())
	e.key("storeExists")
	e.bool(errorStoreExists(paths, err))
	e.key("error")
	e.beginObject()
	e.key("kind")
	e.str(kind)
	e.key("message")
	e.str(err.Error())
	var mpe *authstore.MigrationPendingError
	if errors.As(err, &mpe) {
		e.key("command")
		e.str(mpe.Migration.Command)
	}
	if line != 0 {
		e.key("line")
		e.int(int64(line))
	}
	if column != 0 {
		e.key("column")
		e.int(int64(column))
	}
	e.endObject()
	for _, k := range []string{"missingProvidersInUse", "unusableProfiles"} {
		e.key(k)
		e.beginArray()
		e.endArray()
	}
	e.key("oauth")
	e.beginObject()
	e.key("warnAfterMs")
	e.int(0)
	for _, k := range []string{"profiles", "providers"} {
		e.key(k)
		e.beginArray()
		e.endArray()
	}
	e.endObject()
	for _, k := range []string{"providers", "env"} {
		e.key(k)
		e.beginArray()
		e.endArray()
	}
	e.endObject()
	e.key("checkExitCode")
	e.int(checkFailure)
	e.key("now")
	e.int(0)
	e.endObject()
}

// errorStoreExists is "storeExists" beside an error: a store that cannot
// be read is there; one that waits for a migration may not be yet.
func errorStoreExists(paths authstore.Paths, err error) bool {
	var mpe *authstore.MigrationPendingError
	if !errors.As(err, &mpe) {
		return true
	}
	_, serr := os.Stat(paths.StorePath())
	return serr == nil
}

// nonNil is ids, or an empty list for nil: these lists are [] in the
// document, never null.
func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
