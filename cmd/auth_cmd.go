package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// `moltbot models auth …`: every subcommand is a thin layer over one
// authstore transaction. Secrets come from stdin or a hidden prompt, never
// from an argument, and become text only through authstore.Mask.

func init() {
	extraCommands = append(extraCommands, func(a *app, _, models *cobra.Command) {
		auth := &cobra.Command{
			Use:                   "auth",
			DisableFlagsInUseLine: true,
			Short:                 "Add, order and remove credentials (auth profiles)",
			Long: "Add, order and remove the credentials (auth profiles) the gateway uses.\n\n" +
				"Secrets are read from stdin or a hidden prompt, never from arguments.",
			Args: cobra.ArbitraryArgs,
			RunE: func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					return c.Help()
				}
				return unknownSubcommand(c, args[0])
			},
		}
		auth.AddCommand(
			markWrites(a.newAuthAddCommand(), "always"),
			markWrites(a.newPasteTokenCommand(), "always"),
			markWrites(a.newPasteAPIKeyCommand(), "always"),
			markWrites(a.newSetupTokenCommand(), "always"),
			a.newAuthOrderCommand(),
			markWrites(a.newAuthRemoveCommand(), "always"),
			markWrites(a.newAuthCopyCommand(), "always"),
			markWrites(a.newAuthCooldownCommand(), "always"),
		)
		models.AddCommand(auth)
	})
}

// unknownSubcommand refuses an unknown word after a command group without
// echoing it when it looks like a secret someone tried to pass as an argument.
func unknownSubcommand(c *cobra.Command, arg string) error {
	if looksSecret(arg) {
		return usageError("unknown command for %q (the argument was not shown: it looks like a secret, and secrets are never taken as arguments; see '%s --help')", c.CommandPath(), c.CommandPath())
	}
	return usageError("unknown command %q for %q (see '%s --help')", arg, c.CommandPath(), c.CommandPath())
}

// looksSecret guesses whether an argument is a credential rather than a word.
func looksSecret(s string) bool {
	return strings.HasPrefix(s, "sk-") || len(s) >= 24 && !strings.ContainsAny(s, " /")
}

// noSecretArgs is the Args check of commands that read a secret: a secret on
// the command line would stay in the shell history and be visible in `ps`.
func noSecretArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return usageError("%s takes no arguments: a token on the command line would stay in your shell history and be visible to other users in `ps`; pipe it in (e.g. `pbpaste | %s …`) or run it on a terminal to paste it at a hidden prompt",
		c.Name(), c.CommandPath())
}

// errCancelled is returned when the user interrupts a prompt.
var errCancelled = errors.New("cancelled; nothing was saved")

// maxPipedSecret bounds what is read from a pipe: a token is a few hundred
// bytes, so anything this large is the wrong input.
const maxPipedSecret = 1 << 20

// prompter reads answers and secrets from the command's stdin. On a real
// terminal secrets are read with echo off; elsewhere (tests that pretend to
// be a terminal) a line is read as is.
type prompter struct {
	env Env
	in  *bufio.Reader
}

func (a *app) prompter() *prompter {
	return &prompter{env: a.env, in: bufio.NewReader(a.env.Stdin)}
}

// interactive reports whether stdin is a terminal that can answer prompts.
func (p *prompter) interactive() bool {
	return p.env.IsTerminal != nil && p.env.IsTerminal(p.env.Stdin)
}

// readAll reads a piped secret (all of stdin).
func (p *prompter) readAll() (string, error) {
	data, err := io.ReadAll(io.LimitReader(p.in, maxPipedSecret+1))
	if err != nil {
		return "", fmt.Errorf("read stdin: %w", err)
	}
	if len(data) > maxPipedSecret {
		return "", fmt.Errorf("stdin holds more than %d bytes: that is not a token", maxPipedSecret)
	}
	return string(data), nil
}

// ttyFile is stdin as a real terminal, if it is one.
func (p *prompter) ttyFile() (*os.File, bool) {
	f, ok := p.env.Stdin.(*os.File)
	return f, ok && term.IsTerminal(int(f.Fd()))
}

// hideInput turns the terminal's echo off (line editing and ctrl+c keep
// working) until the returned function is called. It stays off across
// several lines, so a token the terminal delivers as two lines is never
// shown, not even between them. Not a real terminal: nothing to do.
func (p *prompter) hideInput() (restore func()) {
	f, ok := p.ttyFile()
	if !ok {
		return func() {}
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return func() {}
	}
	hidden := *old
	hidden.Lflag &^= unix.ECHO
	hidden.Lflag |= unix.ICANON | unix.ISIG
	hidden.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &hidden); err != nil {
		return func() {}
	}
	var once sync.Once
	return func() { once.Do(func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }) }
}

// readLine shows prompt on stderr and reads one line, without its line
// ending. hidden says that echo is off: the user's Enter was not shown, so
// a line break is written after the answer. An interrupt (the context is
// cancelled by SIGINT) returns errCancelled at once.
func (p *prompter) readLine(ctx context.Context, prompt string, hidden bool) (string, error) {
	fmt.Fprint(p.env.Stderr, prompt)
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := p.in.ReadString('\n')
		if err == io.EOF && s != "" {
			err = nil
		}
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		if hidden {
			fmt.Fprintln(p.env.Stderr)
		}
		if errors.Is(r.err, io.EOF) {
			return "", io.EOF
		}
		if r.err != nil {
			return "", fmt.Errorf("read answer: %w", r.err)
		}
		return strings.TrimRight(r.s, "\r\n"), nil
	case <-ctx.Done():
		fmt.Fprintln(p.env.Stderr)
		return "", errCancelled
	}
}

// confirm asks a yes/no question; the default is no.
func (p *prompter) confirm(ctx context.Context, question string) (bool, error) {
	ans, err := p.readLine(ctx, question+" [y/N] ", false)
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(ans)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// readToken gets a token for provider: all of stdin when it is piped, else a
// hidden prompt. An Anthropic setup token that the terminal split over
// several lines arrives as several lines; while what was read is a setup
// token too short to be whole, the next line is read and joined to it.
func (p *prompter) readToken(ctx context.Context, provider, what string) (string, error) {
	if !p.interactive() {
		raw, err := p.readAll()
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(raw) == "" {
			return "", errors.New("no token on stdin: pipe the token in, or run this on a terminal to paste it at a hidden prompt")
		}
		return authstore.NormalizeToken(provider, raw)
	}
	restore := p.hideInput()
	defer restore()
	raw, err := p.readLine(ctx, fmt.Sprintf("Paste the %s (input is hidden), then press Enter: ", what), true)
	if errors.Is(err, io.EOF) {
		raw, err = "", nil
	}
	if err != nil {
		return "", err
	}
	if authstore.NormalizeProvider(provider) == "anthropic" {
		for {
			joined := strings.Join(strings.Fields(raw), "")
			if !strings.HasPrefix(joined, authstore.AnthropicSetupTokenPrefix) || len(joined) >= authstore.AnthropicSetupTokenMinLen {
				break
			}
			more, err := p.readLine(ctx, fmt.Sprintf("That is %d characters, too short for a whole setup token: paste the rest, or press Enter to stop: ", len(joined)), true)
			if errors.Is(err, io.EOF) || err == nil && strings.TrimSpace(more) == "" {
				break
			}
			if err != nil {
				return "", err
			}
			raw += more
		}
	}
	if strings.TrimSpace(raw) == "" {
		return "", errors.New("no token entered; nothing was saved")
	}
	return authstore.NormalizeToken(provider, raw)
}

// agentLabel names the agent for output: its id, or its directory when the
// agent dir came from the environment.
func agentLabel(p authstore.Paths) string {
	if p.AgentID != "" {
		return p.AgentID
	}
	return p.AgentDir
}

// describeExpiry says when a credential expires: "expires in 365d",
// "no expiry recorded".
func describeExpiry(expires int64, now time.Time) string {
	if expires <= 0 {
		return "no expiry recorded"
	}
	at := time.UnixMilli(expires)
	if !at.After(now) {
		return "expired " + shortDuration(now.Sub(at)) + " ago"
	}
	return "expires in " + shortDuration(at.Sub(now))
}

// shortDuration is timefmt.Short rounded to the unit shown, without a zero
// second unit: an expiry set to 365 days a few milliseconds ago still reads
// "365d", and "30d 0h" reads "30d".
func shortDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d >= time.Hour {
		d = d.Round(time.Minute)
	} else {
		d = d.Round(time.Second)
	}
	return tidyDuration(timefmt.Short(d))
}

// tidyDuration drops a zero second unit: "30d 0h" reads better as "30d".
func tidyDuration(s string) string {
	for _, z := range []string{" 0h", " 00m", " 00s"} {
		s = strings.TrimSuffix(s, z)
	}
	return s
}

// describeProfile is a one-line, secret-free description of a profile:
// "token sk-ant-oat01…AAAA, expires in 365d".
func describeProfile(p authstore.Profile, now time.Time) string {
	parts := []string{p.Type}
	if p.Type == "" {
		parts[0] = "unknown type"
	}
	if m := authstore.Mask(p.Secret()); m != "" {
		parts[0] += " " + m
	}
	if p.Email != "" {
		parts = append(parts, p.Email)
	}
	if p.Type == authstore.TypeToken || p.Type == authstore.TypeOAuth {
		parts = append(parts, describeExpiry(p.Expires, now))
	}
	return authstore.SafeText(strings.Join(parts, ", ")) // type and email are file text
}

// saveConfigProfile records auth.profiles[id] in the config after the store
// was written, and says so. A config we must not rewrite (JSON5, comments)
// gets a warning with the line to add by hand; any other failure is an
// error, because the credential is saved but the config is out of step.
func (a *app) saveConfigProfile(paths authstore.Paths, id, provider, mode string) error {
	return a.configProfileSaved(paths, id, mode, authstore.SetConfigProfile(paths, id, provider, mode))
}

// configProfileSaved reports what authstore.SetConfigProfile did for id
// (err is what it returned): a config that is not moltbot's to write is a
// warning, any other failure an error.
func (a *app) configProfileSaved(paths authstore.Paths, id, mode string, err error) error {
	var nw *authstore.ConfigNotWritableError
	switch {
	case err == nil:
		path := paths.Config
		if p, perr := a.paths(); perr == nil {
			path = p.Config // it may have been created just now
		}
		fmt.Fprintf(a.stdout(), "Config %s: auth.profiles lists %s (mode %s)\n", authstore.SafeText(a.shown(a.env.Stdout, path)), authstore.SafeText(id), mode)
		return nil
	case errors.As(err, &nw):
		fmt.Fprintf(a.stderr(), "warning: %s\n", authstore.SafeText(err.Error()))
		return nil
	default:
		return fmt.Errorf("%s was saved in the store, but the config could not be updated: %w", id, err)
	}
}

// orderNotes warns about what the provider's order keeps the gateway from
// using after a save: id itself, when an explicit order (store override or
// config auth.order) does not list it; and the provider's other profiles
// when the order is automatic but the config's auth.profiles lists only some
// of them (the gateway then tries only those). Each note names the command
// that fixes it.
func orderNotes(snap authstore.Snapshot, provider, id string, now time.Time) []string {
	eo := snap.EffectiveOrder(provider, now)
	// The command that fixes it, ready to paste (each id shell-quoted); an
	// order too long to spell out is described instead.
	fix := func(extra ...string) string {
		ids := append(append([]string(nil), eo.IDs...), extra...)
		if len(ids) > authstore.MaxListedIDs {
			return fmt.Sprintf("run `moltbot models auth order set --provider %s` with all %s ids (the %s that `moltbot models auth order get --provider %s` lists, then %s)",
				authstore.ShellQuote(eo.Provider), authstore.Thousands(len(ids)), authstore.Thousands(len(eo.IDs)), authstore.ShellQuote(eo.Provider), authstore.ListIDs(extra, 0))
		}
		quoted := make([]string, len(ids))
		for i, id := range ids {
			quoted[i] = authstore.ShellQuote(id)
		}
		return fmt.Sprintf("run `moltbot models auth order set --provider %s %s`", authstore.ShellQuote(eo.Provider), strings.Join(quoted, " "))
	}
	if eo.Source != authstore.SourceAutomatic {
		for _, ex := range eo.Excluded {
			if ex.ID == id && ex.Kind == authstore.ExcludedNotListed {
				where := "the store's order override"
				if eo.Source == authstore.SourceConfig {
					where = "the config's auth.order"
				}
				return []string{fmt.Sprintf("note: %s for %s does not list %s, so the gateway will not use it; to add it %s", where, eo.Provider, authstore.SafeText(id), fix(id))}
			}
		}
		return nil
	}
	listed := map[string]bool{}
	for _, cid := range snap.Config.ProfileIDs {
		if authstore.NormalizeProvider(snap.Config.Profiles[cid].Provider) == eo.Provider {
			listed[cid] = true
		}
	}
	if len(listed) == 0 {
		return nil
	}
	var skipped []string
	for _, p := range snap.Store.ProviderProfiles(eo.Provider) {
		if !listed[p.ID] && p.Usable() {
			skipped = append(skipped, p.ID)
		}
	}
	if len(skipped) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("note: the config's auth.profiles does not list %s, so the gateway will not try %s; to keep using %s %s",
		authstore.ListIDs(skipped, 0), pronoun(len(skipped)), pronoun(len(skipped)), fix(skipped...))}
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// loadSnapshot reads the agent's files; the environment credentials come from
// the command's Env (tests inject it).
func (a *app) loadSnapshot(paths authstore.Paths) (authstore.Snapshot, error) {
	return authstore.LoadWithEnv(paths, a.env.Getenv)
}

// load resolves this invocation's paths and reads the agent's files (see
// loadSnapshot).
func (a *app) load() (authstore.Snapshot, error) {
	paths, err := a.paths()
	if err != nil {
		return authstore.Snapshot{}, err
	}
	return a.loadSnapshot(paths)
}

// validProfileID checks an id given with --profile-id (or built from one).
func validProfileID(id, provider string) error {
	if id == "" {
		return usageError("--profile-id is empty")
	}
	if err := refuseSecretFlag("profile-id", id, "a profile id such as anthropic:work; the token is read from stdin or a hidden prompt"); err != nil {
		return err
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f {
			return usageError("profile id %q contains a space or control character", id)
		}
	}
	if p := authstore.ProviderOfID(id); p != "" && p != authstore.NormalizeProvider(provider) {
		return usageError("profile id %q names provider %s, but --provider is %s; use an id like %s:NAME", id, p, authstore.NormalizeProvider(provider), authstore.NormalizeProvider(provider))
	}
	return nil
}

// storeError adds to a lock timeout that nothing was changed.
func storeError(err error) error {
	var le *authstore.LockedError
	if errors.As(err, &le) {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	return err
}

// completeProfileIDs offers the store's profile ids (of provider, when it
// is given) for shell completion.
func (a *app) completeProfileIDs(provider string) ([]string, cobra.ShellCompDirective) {
	snap, err := a.load()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var ids []string
	for _, p := range snap.Store.Profiles {
		if provider == "" || authstore.NormalizeProvider(p.Provider) == authstore.NormalizeProvider(provider) {
			ids = append(ids, p.ID+"\t"+p.Type)
		}
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// completeProviders offers the providers of the store's profiles and the
// ones moltbot knows keys for.
func (a *app) completeProviders(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p = authstore.NormalizeProvider(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if snap, err := a.load(); err == nil {
		for _, p := range snap.Store.Profiles {
			add(p.Provider)
		}
	}
	for _, ev := range authstore.EnvVars {
		add(ev.Provider)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
