package input

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"timeout", "max-states", "max-depth", "memory", "json", "torn-pair", "stale-fetch"}
	for in, want := range map[string]string{
		"timout": "timeout", "max-state": "max-states", "memroy": "memory", "jsno": "json",
		"mem": "memory", "torn-pear": "torn-pair", "stalefetch": "stale-fetch", "x": "", "protocol": "",
	} {
		if got := Closest(in, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}
