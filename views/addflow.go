package views

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// Adding a credential is one table of steps (AddSteps) and one engine that
// walks it (AddFlow). `moltbot onboard` (the Wizard) and `moltbot models
// auth add` (cmd) are two hosts of the same flow: each shows the step the
// flow is at (a form from the table, or what the host does itself: run
// `claude setup-token`, save), then asks the flow for the next or the
// previous one. The flow alone decides which steps are shown, their
// numbers, and what the answers write (AddPlan).

// AddStepID names a step of adding a credential.
type AddStepID string

// The steps, in the order they are asked.
const (
	StepMethod      AddStepID = "method"      // provider and method (and another provider's id)
	StepDestination AddStepID = "destination" // an API key: the auth store or .env
	StepName        AddStepID = "name"        // the profile name
	StepReplace     AddStepID = "replace"     // the id exists: replace it?
	StepLogin       AddStepID = "login"       // a subscription: `claude setup-token` (the host runs it)
	StepSecret      AddStepID = "secret"      // the key or token at a hidden input (and a token's expiry)
	StepPlacement   AddStepID = "placement"   // first or last in the provider's order
	StepSave        AddStepID = "save"        // write it (the host does, through AddPlan)
)

// AddStep is one row of the table: what a step is called, when it is
// shown, its form, how its answers are checked and what they contribute.
type AddStep struct {
	ID AddStepID
	// Title names the step in the wizard's header ("step 2 of 4 · Profile
	// name").
	Title func(v *AddValues) string
	// Shown says whether the step is asked, given the answers so far and
	// what the store holds.
	Shown func(v *AddValues, k AddLookup) bool
	// Joins, when it returns true, makes the step part of the one before
	// it: it shares its number (the replace question is part of the name; a
	// pasted setup token is part of signing in).
	Joins func(v *AddValues) bool
	// Form builds the step's form, bound to v. Nil for the steps the host
	// does itself (StepLogin, StepSave).
	Form func(v *AddValues, c AddContext) StepForm
	// Check validates the step's answers as a whole, before the flow moves
	// on (the form also checks them inline, as they are typed).
	Check func(v *AddValues) error
	// Lookup says the store must be read again after the step, before the
	// next one is chosen: the id the user chose may exist by now.
	Lookup bool
	// Rewind, when it returns true, makes a completed step go back instead
	// of on ("choose another name").
	Rewind func(v *AddValues) bool
	// Echo is the secret-free line that repeats what the step contributed
	// once it is done ("Profile anthropic:work"); nil or "" for none.
	Echo func(v *AddValues) string
}

// AddLookup is what the store holds that the steps depend on: whether the
// chosen id exists, and the provider's other profiles.
type AddLookup struct {
	Exists   bool
	Existing string   // the existing profile, secret-free ("token sk-ant-oat01…AAAA, expires in 3d")
	Others   []string // the provider's other profile ids
}

// AddContext is what a step's form shows besides the answers.
type AddContext struct {
	Lookup AddLookup
	// QuitKey names the key that leaves without saving (from the keymap).
	QuitKey string
}

// AddSteps is the table of steps. Each row's functions read only the
// answers and the lookup, so any host can ask them at any time.
var AddSteps = []AddStep{
	{
		ID:    StepMethod,
		Title: constTitle("Provider & method"),
		Shown: always,
		Form:  methodForm,
		Check: func(v *AddValues) error {
			if v.Method == AddOtherToken {
				return ValidateProviderID(v.OtherProvider)
			}
			return nil
		},
		Echo: func(v *AddValues) string { return v.Choice().Label },
	},
	{
		ID:    StepDestination,
		Title: constTitle("Destination"),
		Shown: func(v *AddValues, _ AddLookup) bool { return v.AsksDestination() },
		Form:  destinationForm,
		Check: func(v *AddValues) error {
			if v.Destination != DestStore && v.Destination != DestEnv {
				return fmt.Errorf("choose where the key goes: %s or %s", DestStore, DestEnv)
			}
			return nil
		},
		Echo: func(v *AddValues) string {
			if v.ToEnv() {
				return "Into .env, as " + v.EnvVar()
			}
			return "Into the auth store"
		},
	},
	{
		ID:     StepName,
		Title:  constTitle("Profile name"),
		Shown:  inStore,
		Form:   nameForm,
		Check:  func(v *AddValues) error { return ValidateProfileName(v.Name) },
		Lookup: true,
		Echo:   func(v *AddValues) string { return "Profile " + v.ProfileID() },
	},
	{
		ID:     StepReplace,
		Title:  constTitle("Profile name"),
		Shown:  func(v *AddValues, k AddLookup) bool { return !v.ToEnv() && k.Exists },
		Joins:  func(*AddValues) bool { return true },
		Form:   replaceForm,
		Rewind: func(v *AddValues) bool { return !v.Replace },
	},
	{
		ID:    StepLogin,
		Title: constTitle("Sign in with Claude"),
		Shown: func(v *AddValues, _ AddLookup) bool { return v.Method == AddSetupToken },
		Check: func(v *AddValues) error {
			if v.Paste {
				return nil // the secret step asks for it
			}
			_, err := v.CleanSecret()
			return err
		},
	},
	{
		ID: StepSecret,
		Title: func(v *AddValues) string {
			if v.Choice().Type == authstore.TypeAPIKey {
				return "API key"
			}
			return "Token"
		},
		Shown: func(v *AddValues, _ AddLookup) bool { return v.Method != AddSetupToken || v.Paste },
		Joins: func(v *AddValues) bool { return v.Method == AddSetupToken },
		Form:  secretForm,
		Check: func(v *AddValues) error {
			if _, err := v.CleanSecret(); err != nil {
				return err
			}
			if v.Method == AddOtherToken {
				return validateExpiresIn(v.ExpiresIn)
			}
			return nil
		},
	},
	{
		ID:    StepPlacement,
		Title: constTitle("Order"),
		Shown: func(v *AddValues, k AddLookup) bool { return !v.ToEnv() && len(k.Others) > 0 },
		Form:  placementForm,
		Echo: func(v *AddValues) string {
			where := "first"
			if v.Placement == authstore.PlaceLast {
				where = "last"
			}
			return "Tried " + where + " among the " + v.Provider() + " profiles"
		},
	},
	{
		ID:    StepSave,
		Title: constTitle("Save"),
		Shown: always,
	},
}

func constTitle(s string) func(*AddValues) string { return func(*AddValues) string { return s } }

func always(*AddValues, AddLookup) bool { return true }

// inStore: the steps that only matter for a profile in the store.
func inStore(v *AddValues, _ AddLookup) bool { return !v.ToEnv() }

// AddFlow walks AddSteps for one set of answers: which step is current,
// the steps visited before it (for back), and what the store holds.
type AddFlow struct {
	v    *AddValues
	snap authstore.Snapshot
	cur  int   // index into AddSteps
	path []int // the steps visited before cur, oldest first
	// the last lookup, for the provider and id it was made for
	lookKey [2]string
	look    AddLookup
	lookOK  bool
	now     time.Time
}

// NewAddFlow starts at step 1 with answers v, on what snap holds (a zero
// Snapshot is an empty store); now dates the existing profile's expiry.
func NewAddFlow(v *AddValues, snap authstore.Snapshot, now time.Time) *AddFlow {
	return &AddFlow{v: v, snap: snap, now: now}
}

// Values are the answers.
func (f *AddFlow) Values() *AddValues { return f.v }

// Step is the current step.
func (f *AddFlow) Step() AddStep { return AddSteps[f.cur] }

// SetStore replaces what the flow knows of the store with a fresh read;
// now dates the existing profile's expiry.
func (f *AddFlow) SetStore(snap authstore.Snapshot, now time.Time) {
	f.snap, f.now = snap, now
	f.lookOK = false
}

// Lookup is what the store holds about the current answers.
func (f *AddFlow) Lookup() AddLookup {
	k := [2]string{f.v.Provider(), f.v.ProfileID()}
	if f.lookOK && f.lookKey == k {
		return f.look
	}
	f.look, f.lookKey, f.lookOK = LookupAdd(f.snap, k[0], k[1], f.now), k, true
	return f.look
}

// LookupAdd is what snap holds about profile id of provider.
func LookupAdd(snap authstore.Snapshot, provider, id string, now time.Time) AddLookup {
	var l AddLookup
	if snap.Store == nil {
		return l
	}
	if p, ok := snap.Store.Profile(id); ok {
		l.Exists, l.Existing = true, describeExisting(p, now)
	}
	for _, p := range snap.Store.ProviderProfiles(provider) {
		if p.ID != id {
			l.Others = append(l.Others, p.ID)
		}
	}
	return l
}

// Shown reports whether step id is asked for the answers so far.
func (f *AddFlow) Shown(id AddStepID) bool {
	for _, s := range AddSteps {
		if s.ID == id {
			return s.Shown(f.v, f.Lookup())
		}
	}
	return false
}

// Form is the current step's form (a zero StepForm for the steps the host
// does itself).
func (f *AddFlow) Form(quitKey string) StepForm {
	s := f.Step()
	if s.Form == nil {
		return StepForm{}
	}
	return s.Form(f.v, AddContext{Lookup: f.Lookup(), QuitKey: quitKey})
}

// Next checks the current step's answers and moves on: to the next step
// shown for the answers as they are now (forward true), or, for a step that
// rewinds ("choose another name"), back to the one before it (forward
// false). An error leaves the flow where it is.
func (f *AddFlow) Next() (forward bool, err error) {
	s := f.Step()
	if s.Check != nil {
		if err := s.Check(f.v); err != nil {
			return false, err
		}
	}
	if s.Rewind != nil && s.Rewind(f.v) {
		f.Back()
		return false, nil
	}
	look := f.Lookup()
	for i := f.cur + 1; i < len(AddSteps); i++ {
		if AddSteps[i].Shown(f.v, look) {
			f.path = append(f.path, f.cur)
			f.cur = i
			return true, nil
		}
	}
	return false, errors.New("no step after " + string(s.ID)) // StepSave is always shown
}

// Back returns to the step visited before the current one; false on the
// first step (the host then leaves).
func (f *AddFlow) Back() bool {
	if len(f.path) == 0 {
		return false
	}
	f.cur = f.path[len(f.path)-1]
	f.path = f.path[:len(f.path)-1]
	return true
}

// Position is the current step's number and how many numbered steps there
// are for the answers so far: the steps shown, a step that joins the one
// before it counting with it.
func (f *AddFlow) Position() (n, total int) {
	look := f.Lookup()
	for i, s := range AddSteps {
		shown := s.Shown(f.v, look) || i == f.cur
		if shown && (s.Joins == nil || !s.Joins(f.v) || total == 0) {
			total++
		}
		if i == f.cur {
			n = total
		}
	}
	return n, total
}

// Echoes are the lines that repeat the answers of the steps visited before
// the current one's number, oldest first.
func (f *AddFlow) Echoes() []string {
	var out []string
	for i, at := range f.path {
		s := AddSteps[at]
		if s.Echo == nil || f.joinsFrom(i) {
			continue
		}
		if e := s.Echo(f.v); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// joinsFrom reports whether every step after path[i] up to the current one
// joins the one before it (so path[i] has the current step's number).
func (f *AddFlow) joinsFrom(i int) bool {
	steps := append(append([]int(nil), f.path[i+1:]...), f.cur)
	for _, at := range steps {
		if j := AddSteps[at].Joins; j == nil || !j(f.v) {
			return false
		}
	}
	return true
}

// AddPlan is what the answers write: one credential into the store (put
// first or last in its provider's order when Place is set) and the
// config's auth.profiles, or one line in the daemon's .env.
type AddPlan struct {
	Credential authstore.Credential
	// EnvVar, when set, is the .env variable the key goes to instead of
	// the store.
	EnvVar string
	// Place is where the profile goes in the order; nil leaves it alone.
	Place *authstore.Placement
}

// Plan is what the answers write, checked; now is when a token's life
// starts (unless it was captured earlier: AddValues.IssuedAt).
func (f *AddFlow) Plan(now time.Time) (AddPlan, error) {
	cred, err := f.v.Credential(now)
	if err != nil {
		return AddPlan{}, err
	}
	p := AddPlan{Credential: cred}
	switch {
	case f.v.ToEnv():
		p.EnvVar = f.v.EnvVar()
	case f.Shown(StepPlacement):
		where := f.v.Placement
		p.Place = &where
	}
	return p, nil
}

// AddWritten is what writing a plan changed.
type AddWritten struct {
	// Saved is the store write (zero when the key went to .env).
	Saved authstore.SaveResult
	// ConfigErr says the store was written but the config's auth.profiles
	// was not: a *authstore.ConfigNotWritableError when moltbot must not
	// write it, else why it could not.
	ConfigErr error
}

// Write carries the plan out through authstore's operations: SetEnvVar; or
// SaveCredential (one transaction from a fresh read), then
// SetConfigProfile. An error means nothing was written.
func (p AddPlan) Write(ctx context.Context, paths authstore.Paths) (AddWritten, error) {
	c := p.Credential
	if p.EnvVar != "" {
		return AddWritten{}, authstore.SetEnvVar(paths, p.EnvVar, c.Secret)
	}
	res, err := authstore.SaveCredential(ctx, paths, c, authstore.SaveOptions{Place: p.Place})
	if err != nil {
		return AddWritten{}, err
	}
	return AddWritten{Saved: res, ConfigErr: authstore.SetConfigProfile(paths, c.ID, c.Provider, c.Type)}, nil
}
