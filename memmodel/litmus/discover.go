package litmus

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ftcheck/ftcheck/model/input"
)

// Discover expands paths into litmus files: a .litmus file stands for
// itself, a folder for every *.litmus below it (sorted), and a herd index
// file (such as @all) for the files it lists, relative to its folder,
// recursively. Duplicates are dropped.
func Discover(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	var visit func(p string, depth int) error
	visit = func(p string, depth int) error {
		info, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !info.IsDir() {
			// Refuse devices and FIFOs here: /dev/zero is no .litmus
			// file, so it would be read as an index file, forever.
			if err := input.Regular(p, info); err != nil {
				return err
			}
		}
		switch {
		case info.IsDir():
			var files []string
			err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && strings.HasSuffix(q, ".litmus") {
					files = append(files, q)
				}
				return nil
			})
			if err != nil {
				return err
			}
			sort.Strings(files)
			for _, f := range files {
				add(f)
			}
		case strings.HasSuffix(p, ".litmus"):
			add(p)
		default:
			if depth > 8 {
				return nil // index files including each other
			}
			entries, err := readIndex(p)
			if err != nil {
				return err
			}
			for _, e := range entries {
				if !filepath.IsAbs(e) {
					e = filepath.Join(filepath.Dir(p), e)
				}
				if err := visit(e, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, p := range paths {
		if err := visit(p, 0); err != nil {
			return out, err
		}
	}
	return out, nil
}

// readIndex reads a herd index file: one path per line, # comments.
func readIndex(path string) ([]string, error) {
	src, err := input.ReadFile(path, input.MaxSource)
	if err != nil {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Fields(line)[0])
	}
	return out, sc.Err()
}
