package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

func init() {
	extraCommands = append(extraCommands, func(a *app, root, _ *cobra.Command) {
		root.AddCommand(a.newDoctorCommand())
	})
}

// Doctor verdicts. "skip" marks a check that could not run because an
// earlier one failed (a corrupt store hides its order and credentials).
const (
	verdictOK   = "ok"
	verdictWarn = "warn"
	verdictFail = "fail"
	verdictSkip = "skip"
)

// doctorProblem is one thing wrong and how to repair it.
type doctorProblem struct {
	Status  string `json:"status"`  // warn | fail
	Message string `json:"message"` // what is wrong
	Fix     string `json:"fix"`     // the command that repairs it; "" when there is none
	AutoFix bool   `json:"autoFix"` // `moltbot doctor --fix` repairs it
}

// doctorCheck is one line of the report.
type doctorCheck struct {
	ID      string `json:"id"`
	Status  string `json:"status"` // ok | warn | fail | skip
	Message string `json:"message"`
	// Details say how the verdict was reached (the gateway check: the
	// evidence, in the order it was weighed).
	Details  []string        `json:"details,omitempty"`
	Problems []doctorProblem `json:"problems"`
}

// doctorDoc is `doctor --json`.
type doctorDoc struct {
	AgentDir   string         `json:"agentDir"`
	StorePath  string         `json:"storePath"`
	ConfigPath string         `json:"configPath"`
	OK         bool           `json:"ok"` // no check failed
	Summary    map[string]int `json:"summary"`
	Fixed      []string       `json:"fixed"`
	FixErrors  []string       `json:"fixErrors"`
	Checks     []doctorCheck  `json:"checks"`
}

type doctorOptions struct {
	fix, json bool
}

func (a *app) newDoctorCommand() *cobra.Command {
	var o doctorOptions
	c := &cobra.Command{
		Use:                   "doctor [--fix] [--json]",
		DisableFlagsInUseLine: true,
		Short:                 "Check the credential files and repair what is safe to repair",
		Long: "Check that the auth store parses and is private (0600, directory 0700), that no directory\n" +
			"above it (state, agents, config) is writable by others, that the owner of each directory\n" +
			"(the gateway's user) can read the store, config and .env, that order entries point at\n" +
			"existing profiles, which credentials are expired or expiring (or have an expiry that is not\n" +
			"a number), that `claude` is on PATH (for setup-token), that .env is private, that no stale\n" +
			"lock is left, and that the config can be read. Each problem comes with the command that\n" +
			"repairs it.\n\n" +
			"--fix repairs what is safe: removes a stale lock, removes a byte-order mark from the store,\n" +
			"moves a corrupt store aside (restoring the backup when it is valid), tightens file modes,\n" +
			"takes the write bits of others off those directories and prunes order entries that point\n" +
			"nowhere. Exits 1 when a check still fails.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runDoctor(c.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.fix, "fix", false, "repair what is safe to repair, and say what was done")
	c.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return markWrites(c, "fix")
}

func (a *app) runDoctor(ctx context.Context, o doctorOptions) error {
	paths, err := a.paths()
	if err != nil {
		return err
	}
	var fixed, fixErrs []string
	if o.fix {
		fixed, fixErrs = a.doctorFix(ctx, paths)
	}
	checks := a.doctorChecks(paths)
	doc := doctorDoc{
		AgentDir: paths.AgentDir, StorePath: paths.Store, ConfigPath: paths.Config, OK: true,
		Summary: map[string]int{verdictOK: 0, verdictWarn: 0, verdictFail: 0, verdictSkip: 0},
		Fixed:   nonNil(fixed), FixErrors: nonNil(fixErrs), Checks: checks,
	}
	for _, c := range checks {
		doc.Summary[c.Status]++
		if c.Status == verdictFail {
			doc.OK = false
		}
	}
	if len(fixErrs) > 0 {
		doc.OK = false
	}
	if o.json {
		a.writeJSON(doc)
	} else {
		a.writeDoctorText(paths, doc, o.fix)
	}
	if !doc.OK {
		return exitCode(ExitFailure)
	}
	return nil
}

// writeDoctorText prints the report for people. Every message, repair and
// fix command is made safe (authstore.SafeText: ids, reasons and paths read
// from files are data, never terminal control), and the whole output goes
// through a safe writer too; fix commands are shell-quoted where they are
// built, so what is shown is what to paste.
func (a *app) writeDoctorText(paths authstore.Paths, doc doctorDoc, fixing bool) {
	w := a.stdout()
	safe := authstore.SafeText
	fmt.Fprintf(w, "Agent %s: %s\n", safe(agentLabel(paths)), safe(a.shown(w, paths.AgentDir)))
	for _, f := range doc.Fixed {
		// The repairs name files in the agent and state dirs: they read like
		// the line above. (Fix commands stay whole: a quoted ~ would not
		// expand when pasted.)
		for _, dir := range []string{paths.AgentDir, paths.StateDir} {
			f = strings.ReplaceAll(f, dir+string(filepath.Separator), a.shown(w, dir)+string(filepath.Separator))
		}
		fmt.Fprintf(w, "fixed  %s\n", safe(f))
	}
	for _, f := range doc.FixErrors {
		fmt.Fprintf(w, "FAILED %s\n", safe(f))
	}
	if len(doc.Fixed)+len(doc.FixErrors) > 0 {
		fmt.Fprintln(w)
	}
	auto, total := 0, 0
	for _, c := range doc.Checks {
		label := c.Status
		if label == verdictFail {
			label = "FAIL"
		}
		fmt.Fprintf(w, "%-5s %-12s %s\n", label, c.ID, safe(c.Message))
		for _, d := range c.Details {
			fmt.Fprintf(w, "%19s· %s\n", "", safe(d))
		}
		for _, p := range c.Problems {
			if len(c.Problems) > 1 || p.Message != c.Message {
				fmt.Fprintf(w, "%19s- %s: %s\n", "", p.Status, safe(p.Message))
				if p.Fix != "" {
					fmt.Fprintf(w, "%19s  fix: %s\n", "", safe(p.Fix))
				}
			} else if p.Fix != "" {
				fmt.Fprintf(w, "%19sfix: %s\n", "", safe(p.Fix))
			}
			total++
			if p.AutoFix {
				auto++
			}
		}
	}
	fails, warns := doc.Summary[verdictFail], doc.Summary[verdictWarn]
	var line string
	switch {
	case fails == 0 && warns == 0:
		line = "All checks passed."
	case fails == 0:
		line = "No failures; " + plural(warns, "check") + " with warnings."
	default:
		line = plural(fails, "check") + " failed"
		if warns > 0 {
			line += fmt.Sprintf(", %d more with warnings", warns)
		}
		line += "."
	}
	if auto > 0 && !fixing {
		line += " `moltbot doctor --fix` repairs " + fixCount(auto, total) + "."
	}
	fmt.Fprintln(w, "\n"+line)
}

// doctorFix repairs what is safe, in an order where each repair helps the
// next: a stale lock first (later repairs take the lock), then a corrupt
// store, file modes, and order entries that point nowhere.
func (a *app) doctorFix(ctx context.Context, paths authstore.Paths) (fixed, failed []string) {
	if removed, err := authstore.RemoveStaleLock(paths, time.Now()); err != nil {
		failed = append(failed, err.Error())
	} else if removed {
		fixed = append(fixed, "removed the stale lock "+paths.Lock())
	}

	// Files that wait for a migration between gateway generations, or of a
	// gateway not known yet, are not moltbot's to change (the gateway
	// check says why); modes and a stale lock still are.
	storeRepairs := writeRefusal(paths) == nil
	if _, err := authstore.Load(paths); err != nil && storeRepairs {
		var ce *authstore.CorruptError
		if errors.As(err, &ce) && ce.BOM {
			if removed, err := authstore.StripStoreBOM(ctx, paths); err != nil {
				failed = append(failed, "remove the byte-order mark: "+err.Error())
			} else if removed {
				fixed = append(fixed, "removed the UTF-8 byte-order mark from "+ce.Path)
			}
			_, err = authstore.Load(paths)
		}
		if errors.As(err, &ce) && !ce.BOM {
			res, err := authstore.QuarantineCorruptStore(ctx, paths, a.env.Now())
			switch {
			case err != nil:
				failed = append(failed, "move the corrupt store aside: "+err.Error())
			case res.MovedTo != "" && res.Restored:
				fixed = append(fixed, fmt.Sprintf("moved the corrupt store to %s and restored the backup (%s)", res.MovedTo, plural(res.Profiles, "profile")))
			case res.MovedTo != "":
				fixed = append(fixed, fmt.Sprintf("moved the corrupt store to %s; %s, so the store starts empty (the old content is in that file)", res.MovedTo, res.BackupProblem))
			}
		}
	}

	for _, d := range authstore.CheckDirectories(paths) {
		if !d.WritableByOthers() {
			continue
		}
		if err := authstore.FixDirectory(d); err != nil {
			failed = append(failed, err.Error())
		} else {
			fixed = append(fixed, fmt.Sprintf("chmod go-w %s (was %o)", d.Path, d.Mode))
		}
	}
	for _, pc := range authstore.CheckPermissions(paths) {
		if !pc.TooOpen() {
			continue
		}
		if err := authstore.FixPermission(pc); err != nil {
			failed = append(failed, err.Error())
		} else {
			fixed = append(fixed, fmt.Sprintf("chmod %o %s (was %o)", pc.Want, pc.Path, pc.Mode))
		}
	}

	if snap, err := authstore.Load(paths); err == nil && storeRepairs && snap.Exists && len(snap.Store.DanglingOrder()) > 0 {
		pruned, err := authstore.PruneDanglingOrder(ctx, paths)
		if err != nil {
			failed = append(failed, "prune order entries: "+err.Error())
		}
		for _, e := range pruned {
			fixed = append(fixed, fmt.Sprintf("removed %s from the %s order override (no such profile)", e.ID, e.Provider))
		}
	}
	return fixed, failed
}

// doctorChecks runs every check; none of them writes anything.
func (a *app) doctorChecks(paths authstore.Paths) []doctorCheck {
	now := a.env.Now()
	checks := []doctorCheck{checkGateway(paths)}
	snap, loadErr := a.loadSnapshot(paths)
	checks = append(checks, checkStore(paths, snap, loadErr))
	perms := authstore.CheckPermissions(paths)
	unreadable := map[string]authstore.Unreadable{}
	for _, u := range authstore.CheckReadableByDirOwner(paths) {
		unreadable[u.Name] = u
	}
	checks = append(checks, checkAgentDir(perms[0]), checkDirs(authstore.CheckDirectories(paths)),
		checkFileModes(perms[1:len(perms)-1], unreadable), checkEnvFile(paths, perms[len(perms)-1], unreadable))
	checks = append(checks, checkLock(paths))
	if loadErr != nil {
		skip := "skipped: the store cannot be read"
		checks = append(checks,
			doctorCheck{ID: "order", Status: verdictSkip, Message: skip, Problems: []doctorProblem{}},
			doctorCheck{ID: "credentials", Status: verdictSkip, Message: skip, Problems: []doctorProblem{}})
	} else {
		checks = append(checks, checkOrder(snap), checkCredentials(snap, now))
	}
	checks = append(checks, checkConfig(paths, snap, loadErr, unreadable), checkClaude(a.env.Getenv("PATH")))
	return checks
}

// finish sets a check's verdict from its problems: the worst of them, with
// the message of a single problem, or okMsg when there is none.
func finish(c doctorCheck, okMsg, manyMsg string) doctorCheck {
	if c.Problems == nil {
		c.Problems = []doctorProblem{}
	}
	c.Status = verdictOK
	c.Message = okMsg
	for _, p := range c.Problems {
		if p.Status == verdictFail || c.Status == verdictOK {
			c.Status = p.Status
		}
	}
	switch len(c.Problems) {
	case 0:
	case 1:
		c.Message = c.Problems[0].Message
	default:
		c.Message = fmt.Sprintf(manyMsg, len(c.Problems))
	}
	return c
}

func checkStore(paths authstore.Paths, snap authstore.Snapshot, err error) doctorCheck {
	c := doctorCheck{ID: "store"}
	var ce *authstore.CorruptError
	switch {
	case errors.As(err, &ce):
		where := ce.Path
		if ce.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", ce.Path, ce.Line, ce.Column)
		}
		fix := "moltbot doctor --fix (moves it aside"
		if n, berr := authstore.CheckBackup(paths); berr == nil {
			fix += fmt.Sprintf(" and restores the backup, %s)", plural(n, "profile"))
		} else {
			fix += "; there is no valid backup, so the store starts empty) — or repair the file by hand"
		}
		if ce.BOM {
			fix = "moltbot doctor --fix (removes the byte-order mark; every other byte stays as it is)"
		}
		c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("%s is corrupt: %s", where, ce.Reason), fix, true})
	case err != nil:
		c.Problems = append(c.Problems, doctorProblem{verdictFail, err.Error(), removeFix(err), false})
	case !snap.Exists && len(snap.LegacyImported) > 0:
		return finish(c, fmt.Sprintf("no auth store yet; the first write imports %d legacy credentials (%s)", len(snap.LegacyImported), authstore.ListIDs(snap.LegacyImported, 0)), "")
	case !snap.Exists && paths.Gateway.Generation == authstore.GenUnknown:
		c.Problems = append(c.Problems, doctorProblem{verdictWarn, "no auth store yet at " + paths.Store, "", false}) // the gateway check says what to do
	case !snap.Exists:
		c.Problems = append(c.Problems, doctorProblem{verdictWarn, "no auth store yet at " + paths.Store, "moltbot models auth add", false})
	}
	n := 0
	if snap.Store != nil {
		n = len(snap.Store.Profiles)
		for _, d := range snap.Store.DuplicateProfiles() {
			c.Problems = append(c.Problems, duplicateProblem(snap.Paths.Store, d))
		}
	}
	if split, err := authstore.InspectSplitState(paths); err == nil && len(split.Inline) > 0 {
		// openclaw 2026.4.7–6.1 moves these out on its first write and
		// never writes them back: a gateway downgraded to 2026.4.5 or
		// older (which ignores auth-state.json) did, or a restored backup.
		c.Problems = append(c.Problems, doctorProblem{verdictWarn,
			fmt.Sprintf("%s holds %s inline beside auth-state.json (left by a downgrade to openclaw 2026.4.5 or older, or a restored backup): openclaw 2026.4.7–6.1 lets auth-state.json win over them and moves them there on its next write; openclaw 2026.4.5 and older read only them",
				filepath.Base(paths.Store), strings.Join(split.Inline, ", ")),
			"if you run openclaw 2026.4.5 or older now, remove " + authstore.ShellQuote(paths.StateFile) + "; else nothing: the next write settles it", false})
	}
	return finish(c, fmt.Sprintf("%s %s: %s", storeName(paths), readsAs(paths), plural(n, "profile")), "%d problems with the store")
}

// storeName names where the agent's credentials are, as the store check
// says it: auth-profiles.json, with auth-state.json, or the databases.
func storeName(paths authstore.Paths) string {
	var names []string
	for _, f := range paths.StoreFiles() {
		if f.Exists {
			names = append(names, filepath.Base(f.Path))
		}
	}
	if len(names) == 0 {
		return filepath.Base(paths.Store)
	}
	return strings.Join(names, " + ")
}

// readsAs is what the store check found the files do: parse (JSON), or can
// be read (a database).
func readsAs(paths authstore.Paths) string {
	if paths.Gateway.Generation == authstore.GenSQLite {
		return "can be read"
	}
	if len(paths.StoreFiles()) > 1 {
		return "parse"
	}
	return "parses"
}

// duplicateProblem is a profile id written more than once in "profiles":
// the gateway reads only the last, and moltbot's next change to a profile
// writes only that one.
func duplicateProblem(store string, d authstore.DuplicateProfile) doctorProblem {
	lines := make([]string, len(d.Lines))
	for i, l := range d.Lines {
		lines[i] = fmt.Sprint(l)
	}
	last := lines[len(lines)-1]
	where := strings.Join(lines[:len(lines)-1], ", ") + " and " + last
	return doctorProblem{verdictWarn,
		fmt.Sprintf("%s is in \"profiles\" %d times (lines %s): the gateway reads only the last, and the next change to a profile keeps only that one", d.ID, len(d.Lines), where),
		fmt.Sprintf("edit %s: keep one %s entry (the one at line %s is in use)", authstore.ShellQuote(store), d.ID, last), false}
}

func checkAgentDir(pc authstore.PermCheck) doctorCheck {
	c := doctorCheck{ID: "agent-dir"}
	switch {
	case pc.Err != nil:
		c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("cannot look at %s: %v", pc.Path, pc.Err), "", false})
	case !pc.Exists:
		return finish(c, "not created yet (moltbot creates it 0700 on the first write)", "")
	case !pc.IsDir:
		c.Problems = append(c.Problems, doctorProblem{verdictFail, pc.Path + " is not a directory", "", false})
	default:
		if !pc.Writable {
			c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("%s is not writable by you, so no credential can be saved", pc.Path), "chmod u+w " + authstore.ShellQuote(pc.Path) + " (or run as its owner)", false})
		}
		switch {
		case pc.Mode&0o022 != 0:
			c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("mode %04o lets other users create and replace files in it, the store included (want %04o)", pc.Mode, pc.Want), fmt.Sprintf("moltbot doctor --fix (chmod %o)", pc.Want), true})
		case pc.TooOpen():
			c.Problems = append(c.Problems, doctorProblem{verdictWarn, fmt.Sprintf("mode %04o lets other users list it (want %04o)", pc.Mode, pc.Want), fmt.Sprintf("moltbot doctor --fix (chmod %o)", pc.Want), true})
		}
	}
	return finish(c, fmt.Sprintf("mode %04o", pc.Mode), "%d problems with the agent directory")
}

// checkDirs fails on a directory above the agent directory that others
// may write in: they could rename the agent directory, or the config, away
// and put their own in its place.
func checkDirs(dirs []authstore.DirCheck) doctorCheck {
	c := doctorCheck{ID: "dirs"}
	for _, d := range dirs {
		switch {
		case d.Err != nil:
			c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("cannot look at the %s %s: %v", d.Name, d.Path, d.Err), "", false})
		case d.WritableByOthers():
			who := "other users"
			if d.Mode&0o002 == 0 {
				who = "its group"
			}
			c.Problems = append(c.Problems, doctorProblem{verdictFail,
				fmt.Sprintf("the %s %s is mode %04o: %s can replace what is in it, credentials included", d.Name, d.Path, d.Mode, who),
				fmt.Sprintf("moltbot doctor --fix (chmod go-w %s)", authstore.ShellQuote(d.Path)), true})
		}
	}
	return finish(c, "no directory above the agent's is writable by others", "%d directories are writable by others")
}

// unreadableProblem is a file that the owner of its directory, the user
// the gateway runs as, cannot read, with the command that gives it back.
func unreadableProblem(u authstore.Unreadable) doctorProblem {
	fix := fmt.Sprintf("sudo chown %s:%s %s", authstore.ShellQuote(u.Owner), authstore.ShellQuote(u.Group), authstore.ShellQuote(u.Path))
	if u.ChmodOnly {
		fix = "chmod u+r " + authstore.ShellQuote(u.Path)
	}
	return doctorProblem{verdictFail,
		fmt.Sprintf("%s %s cannot be read by %s, who owns its directory (and runs the gateway, normally): the gateway gets \"permission denied\"", u.Name, u.Path, u.Owner),
		fix, false}
}

func checkFileModes(pcs []authstore.PermCheck, unreadable map[string]authstore.Unreadable) doctorCheck {
	c := doctorCheck{ID: "store-mode"}
	if u, ok := unreadable["auth store"]; ok {
		c.Problems = append(c.Problems, unreadableProblem(u))
	}
	seen := 0
	for _, pc := range pcs {
		switch {
		case pc.Err != nil:
			c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("cannot look at %s: %v", pc.Path, pc.Err), "", false})
		case !pc.Exists:
		case pc.Irregular != "" && pc.Name == "auth store":
			// The store check says what it is.
		case pc.Irregular != "":
			err := &authstore.NotRegularError{What: pc.Name, Path: pc.Path, Kind: pc.Irregular}
			c.Problems = append(c.Problems, doctorProblem{verdictFail, err.Error(), removeFix(err), false})
		case pc.TooOpen():
			seen++
			c.Problems = append(c.Problems, doctorProblem{verdictFail,
				fmt.Sprintf("%s is mode %04o: other users can read the credentials (want %04o)", filepath.Base(pc.Path), pc.Mode, pc.Want),
				fmt.Sprintf("moltbot doctor --fix (chmod %o)", pc.Want), true})
		default:
			seen++
		}
	}
	ok := "auth store files are private (0600)"
	if seen == 0 {
		ok = "no auth store files yet"
	}
	return finish(c, ok, "%d store files are readable by others")
}

func checkEnvFile(paths authstore.Paths, pc authstore.PermCheck, unreadable map[string]authstore.Unreadable) doctorCheck {
	c := doctorCheck{ID: "env-file"}
	if u, ok := unreadable[".env"]; ok {
		c.Problems = append(c.Problems, unreadableProblem(u))
	}
	_, readErr := authstore.LoadEnvFile(paths.Env)
	switch {
	case pc.Err != nil:
		c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("cannot look at %s: %v", pc.Path, pc.Err), "", false})
	case !pc.Exists:
		return finish(c, "no .env file", "")
	case readErr != nil:
		c.Problems = append(c.Problems, doctorProblem{verdictFail, readErr.Error(), removeFix(readErr), false})
	case pc.TooOpen():
		c.Problems = append(c.Problems, doctorProblem{verdictFail,
			fmt.Sprintf(".env is mode %04o: other users can read the keys in it (want %04o)", pc.Mode, pc.Want),
			fmt.Sprintf("moltbot doctor --fix (chmod %o)", pc.Want), true})
	}
	return finish(c, fmt.Sprintf(".env is private (%04o)", pc.Mode), "")
}

func checkLock(paths authstore.Paths) doctorCheck {
	c := doctorCheck{ID: "lock"}
	// Lock ages are real time: the lock's mtime is.
	st, err := authstore.InspectStoreLock(paths, time.Now())
	switch {
	case err != nil:
		c.Problems = append(c.Problems, doctorProblem{verdictWarn, "cannot look at the lock: " + err.Error(), "", false})
	case !st.Held:
		return finish(c, "not held", "")
	case st.Wedges:
		// openclaw 2026.2.17 and later lock with a file and cannot remove
		// a directory: until it goes, each of their locked writes fails.
		c.Problems = append(c.Problems, doctorProblem{verdictFail,
			fmt.Sprintf("an abandoned lock directory, untouched since %s: %s cannot remove a directory, so its locked writes fail (or spin) until it is gone",
				st.Since.Local().Format("2006-01-02 15:04:05"), paths.Gateway.Describe()),
			"moltbot doctor --fix (removes it)", true})
	case st.Stale:
		// A lock file's createdAt is when it was taken; a directory's
		// mtime only when its holder last refreshed it.
		what := "untouched since"
		if st.Taken {
			what = "taken at"
		}
		c.Problems = append(c.Problems, doctorProblem{verdictWarn,
			fmt.Sprintf("stale lock, %s %s, left by %s; writes wait for it", what, st.Since.Local().Format("2006-01-02 15:04:05"), st.Holder),
			"moltbot doctor --fix (removes it)", true})
	}
	when := ", last refreshed at " + st.Since.Local().Format("15:04:05")
	if st.Taken {
		when = " since " + st.Since.Local().Format("15:04:05")
	}
	return finish(c, fmt.Sprintf("held by %s%s (a write in progress)", st.Holder, when), "")
}

func checkOrder(snap authstore.Snapshot) doctorCheck {
	c := doctorCheck{ID: "order"}
	for _, e := range snap.Store.DanglingOrder() {
		c.Problems = append(c.Problems, doctorProblem{verdictWarn,
			fmt.Sprintf("the %s order override lists %s, which does not exist", e.Provider, e.ID),
			"moltbot doctor --fix (removes it from the list)", true})
	}
	for _, k := range sortedKeys(snap.Store.Order) {
		if len(snap.Store.Order[k]) == 0 {
			c.Problems = append(c.Problems, doctorProblem{verdictWarn,
				fmt.Sprintf("the %s order override is empty, so the gateway uses none of its profiles", k),
				"moltbot models auth order clear --provider " + authstore.ShellQuote(authstore.NormalizeProvider(k)), false})
		}
	}
	for _, e := range snap.Config.DanglingOrder(snap.Store) {
		c.Problems = append(c.Problems, doctorProblem{verdictWarn,
			fmt.Sprintf("the config's auth.order for %s lists %s, which does not exist", e.Provider, e.ID),
			fmt.Sprintf("edit %s and remove %q from auth.order.%s", snap.Paths.Config, e.ID, e.Provider), false})
	}
	return finish(c, "every order entry names an existing profile", "%d order entries need attention")
}

// renewFix is the command that renews a token or key profile.
func renewFix(p authstore.Profile) string {
	prov := authstore.NormalizeProvider(p.Provider)
	switch {
	case p.Type == authstore.TypeToken && prov == "anthropic":
		return "moltbot models auth setup-token --profile-id " + authstore.ShellQuote(p.ID) + " --yes"
	case p.Type == authstore.TypeToken:
		return fmt.Sprintf("moltbot models auth paste-token --provider %s --profile-id %s", authstore.ShellQuote(prov), authstore.ShellQuote(p.ID))
	case p.Type == authstore.TypeOAuth:
		return fmt.Sprintf("log in again on the gateway: clawdbot models auth login --provider %s", authstore.ShellQuote(prov))
	}
	return "moltbot models auth add"
}

func checkCredentials(snap authstore.Snapshot, now time.Time) doctorCheck {
	c := doctorCheck{ID: "credentials"}
	rep := authstore.BuildReport(snap, now, authstore.DefaultWarn)
	uses := "which a configured model uses"
	if len(snap.Config.Models) == 0 {
		uses = "which the gateway's default model (" + snap.Paths.Gateway.DefaultModel() + ") uses"
	}
	for _, prov := range rep.UnusableInUse {
		if pr, ok := rep.Provider(prov); ok && len(pr.Profiles) > 0 {
			c.Problems = append(c.Problems, doctorProblem{verdictFail,
				fmt.Sprintf("no usable credential for %s, %s", prov, uses),
				"moltbot models auth order get --provider " + authstore.ShellQuote(prov) + " (says why each profile is left out)", false})
			continue
		}
		c.Problems = append(c.Problems, doctorProblem{verdictFail,
			fmt.Sprintf("no credential for %s, %s", prov, uses),
			"moltbot models auth add", false})
	}
	total := 0
	for _, pr := range rep.Providers {
		for _, r := range pr.Profiles {
			total++
			p, h := r.Profile, r.Health
			if pr.Provider == authstore.NoProvider {
				fix := "moltbot models auth remove " + authstore.ShellQuote(p.ID)
				if prov := authstore.ProviderOfID(p.ID); prov != "" {
					fix = fmt.Sprintf(`add "provider": %q to %s in %s, or: %s`, prov, authstore.SafeText(p.ID), authstore.SafeText(snap.Paths.Store), fix)
				}
				c.Problems = append(c.Problems, doctorProblem{verdictWarn, p.ID + ` has no "provider" field, so the gateway never uses it`, fix, false})
				continue
			}
			switch {
			case p.Type != authstore.TypeAPIKey && p.Type != authstore.TypeToken && p.Type != authstore.TypeOAuth:
				c.Problems = append(c.Problems, doctorProblem{verdictWarn, fmt.Sprintf("%s has type %q, which the gateway cannot use", p.ID, p.Type), "moltbot models auth remove " + authstore.ShellQuote(p.ID), false})
			case h.Refreshable:
				c.Problems = append(c.Problems, doctorProblem{verdictWarn, fmt.Sprintf("%s expired %s ago; the gateway refreshes it on next use", p.ID, shortDuration(h.Remaining)), "", false})
			case h.Status == authstore.StatusExpired:
				c.Problems = append(c.Problems, doctorProblem{verdictFail, fmt.Sprintf("%s expired %s ago", p.ID, shortDuration(h.Remaining)), renewFix(p), false})
			case h.Status == authstore.StatusMissing && strings.TrimSpace(p.Secret()) == "":
				c.Problems = append(c.Problems, doctorProblem{verdictFail, p.ID + " has no secret", renewFix(p), false})
			case p.ExpiresIgnored != "" && (p.Type == authstore.TypeToken || p.Type == authstore.TypeOAuth):
				c.Problems = append(c.Problems, expiresProblem(snap.Paths.Store, p))
			case h.Status == authstore.StatusMissing:
				c.Problems = append(c.Problems, doctorProblem{verdictFail, p.ID + " has no usable expiry", renewFix(p), false})
			case h.Status == authstore.StatusExpiring:
				c.Problems = append(c.Problems, doctorProblem{verdictWarn, fmt.Sprintf("%s expires in %s", p.ID, shortDuration(h.Remaining)), renewFix(p), false})
			}
			if h.Unusable == authstore.UnusableDisabled {
				reason := h.Reason
				if reason == "" {
					reason = "no reason given"
				}
				c.Problems = append(c.Problems, doctorProblem{verdictWarn, fmt.Sprintf("%s is disabled by the gateway (%s) for %s", p.ID, reason, shortDuration(h.Until.Sub(now))), "", false})
			}
		}
	}
	return finish(c, fmt.Sprintf("%s, none expired or expiring", plural(total, "credential")), "%d credentials need attention")
}

// expiresProblem is a token or oauth profile whose "expires" the gateway
// does not count as a time: a string (even of digits), null, 0, a negative
// number. clawdbot then treats a token as never expiring (openclaw refuses
// it) and an oauth profile as having no usable expiry.
func expiresProblem(store string, p authstore.Profile) doctorProblem {
	raw := p.ExpiresIgnored
	what := raw
	var digits string
	if strings.HasPrefix(raw, `"`) {
		what = "the string " + raw
		if d := strings.Trim(raw, `"`); d != "" && strings.Trim(d, "0123456789") == "" && len(d) < 17 {
			digits = d
		}
	}
	fix := fmt.Sprintf("edit %s: remove \"expires\" from %s, or write the expiry time in ms as a number", authstore.ShellQuote(store), p.ID)
	if digits != "" {
		fix = fmt.Sprintf("edit %s: write \"expires\": %s in %s (a number, without quotes)", authstore.ShellQuote(store), digits, p.ID)
	}
	if p.Type == authstore.TypeOAuth {
		return doctorProblem{verdictFail,
			fmt.Sprintf("%s: \"expires\" is %s, not a number of ms > 0, so the gateway sees no usable expiry", p.ID, what), fix, false}
	}
	return doctorProblem{verdictWarn,
		fmt.Sprintf("%s: \"expires\" is %s, not a number of ms > 0: the gateway ignores it, so the token never expires (openclaw does not use it at all)", p.ID, what), fix, false}
}

func checkConfig(paths authstore.Paths, snap authstore.Snapshot, loadErr error, unreadable map[string]authstore.Unreadable) doctorCheck {
	c := doctorCheck{ID: "config"}
	if !paths.ConfigExists {
		return finish(c, "no config file (one is created when a profile must be recorded)", "")
	}
	if u, ok := unreadable["config"]; ok {
		c.Problems = append(c.Problems, unreadableProblem(u))
	}
	var cfgErr error
	if loadErr == nil {
		cfgErr = snap.ConfigErr
	} else {
		_, cfgErr = authstore.LoadConfig(paths.Config)
	}
	if cfgErr != nil {
		fix := removeFix(cfgErr)
		if fix == "" {
			fix = "fix the file by hand: the gateway cannot start with it either"
		}
		c.Problems = append(c.Problems, doctorProblem{verdictFail, cfgErr.Error(), fix, false})
		return finish(c, "", "")
	}
	if loadErr == nil {
		for _, id := range snap.Config.ProfileIDs {
			if _, ok := snap.Store.Profile(id); !ok {
				c.Problems = append(c.Problems, doctorProblem{verdictWarn,
					fmt.Sprintf("auth.profiles lists %s, which is not in the store", id),
					"moltbot models auth remove " + authstore.ShellQuote(id), false})
			}
		}
	}
	return finish(c, filepath.Base(paths.Config)+" can be read", "%d config entries need attention")
}

func checkClaude(pathEnv string) doctorCheck {
	c := doctorCheck{ID: "claude"}
	if p := lookPath("claude", pathEnv); p != "" {
		return finish(c, "found "+p, "")
	}
	c.Problems = append(c.Problems, doctorProblem{verdictWarn,
		"`claude` is not on PATH: setup-token needs Claude Code",
		"npm install -g @anthropic-ai/claude-code (or use setup-token --paste)", false})
	return finish(c, "", "")
}

// lookPath finds an executable in pathEnv (the command's PATH, not
// necessarily the process's).
func lookPath(name, pathEnv string) string {
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		if err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// fixCount says how many of the problems --fix repairs.
func fixCount(auto, total int) string {
	switch {
	case total == 1:
		return "it"
	case auto == total:
		return fmt.Sprintf("all %d problems", total)
	}
	return fmt.Sprintf("%d of the %d problems", auto, total)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// removeFix is the command that removes a file that is not a regular file
// (a FIFO or a device holds no credentials; for a link, the link goes, not
// what it points to), or "" for any other error.
func removeFix(err error) string {
	var nr *authstore.NotRegularError
	if !errors.As(err, &nr) || nr.Kind == "a directory" {
		return ""
	}
	return "rm " + authstore.ShellQuote(nr.Path)
}
