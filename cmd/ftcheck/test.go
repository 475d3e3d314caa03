package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/ftcheck/ftcheck/cmd/ftcheck/render"
	"github.com/ftcheck/ftcheck/memmodel/litmus"
	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/model/input"
	"github.com/ftcheck/ftcheck/patchproto"
	"github.com/ftcheck/ftcheck/patchproto/scenario"
)

const testHelp = `
Runs every .scenario and .litmus file (folders are searched recursively)
against the expectation written with it, several at once, and prints one
line per file and the summary "N passed, N failed". A scenario states its
expectation on an expect line; a litmus file's is in herd's verdict files
(*-expected.csv, *-kinds.txt, *.kinds) in its folder or one above it, up
to the folder given. On stderr, a line as each file starts and as it ends.
A file that cannot be tested (malformed, no expectation, not a regular
file, missing) is an ERROR line; the other files still run. See docs/ci.md.

Exit status: 0 every expectation holds, 1 one does not, 2 bad input (a
file that cannot be tested, a folder without test files, a bad flag),
3 interrupted.
`

// testStatus is how one file's test ended.
type testStatus int

const (
	testPass        testStatus = iota
	testFail                   // the expectation does not hold
	testError                  // the file cannot be tested: bad input, no expectation
	testInterrupted            // Ctrl-C came first
)

// testResult is one file's outcome: its line of output and its JUnit
// testcase.
type testResult struct {
	File     string
	Status   testStatus
	Expected string // the expectation in words
	Got      string // what the run found, in the same words
	Counts   string // states or executions, for the PASS line
	Detail   string // why it failed or erred: the trace of a violation, an error message
	Internal bool   // the error is ftcheck's (it panicked), not the file's
	Elapsed  time.Duration
}

// testFile is a file to test and the folder named on the command line
// that led to it (verdict files are looked for up to that folder). name
// is the short name progress lines use: the path under that folder, or
// the path as given for a file named on the command line. err is why the
// file could not even be listed (a path that does not exist, a folder
// that cannot be read): it is that file's error, and the others still
// run.
type testFile struct {
	path, root, name string
	err              error
}

type testFlags struct {
	junit    string
	jobs     int
	timeout  time.Duration
	expects  []string
	progress bool
}

func cmdTest(args []string, stdout, stderr io.Writer) int {
	fl := newCmdFlags("test", commandHelp("test", testHelp[1:]))
	var f testFlags
	fl.StringVar(&f.junit, "junit", "", "also write the results as JUnit XML to `FILE` (GitLab, Jenkins, GitHub Actions)")
	fl.IntVar(&f.jobs, "jobs", runtime.GOMAXPROCS(0), "files tested at once")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Minute, "bound on each file's search (a scenario's own timeout line wins); a search it stops fails")
	fl.BoolVar(&f.progress, "progress", true, "a line on stderr as each file starts and as it ends")
	fl.Func("expect", "a litmus verdict `FILE` (CSV path,0|1 or kinds NAME Kind) used before those found next to the tests; repeatable", func(s string) error {
		f.expects = append(f.expects, s)
		return nil
	})
	paths, err := fl.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	switch {
	case len(paths) == 0:
		return fl.usageError(stderr, "give folders or files to test")
	case f.jobs < 1:
		fmt.Fprintf(stderr, "ftcheck test: --jobs %d: want at least 1\n", f.jobs)
		return exitUsage
	case f.timeout < 0:
		fmt.Fprintln(stderr, "ftcheck test: --timeout must not be negative")
		return exitUsage
	}
	if f.junit != "" {
		if err := checkOutputPath(f.junit); err != nil {
			fmt.Fprintf(stderr, "ftcheck test: --junit %s: %v\n", f.junit, err)
			return exitUsage
		}
	}
	files, err := discoverTests(paths)
	if err != nil { // a folder without test files: there is no file to blame
		fmt.Fprintf(stderr, "ftcheck test: %v\n", err)
		return exitUsage
	}
	verdicts := newVerdictFiles()
	for _, e := range f.expects {
		m, err := loadVerdictFile(e)
		if err != nil {
			fmt.Fprintf(stderr, "ftcheck test: --expect: %v\n", err)
			return exitUsage
		}
		verdicts.given = append(verdicts.given, m)
	}

	ctx, stop := interruptContext()
	defer stop()
	start := time.Now()
	var pr *progress
	if f.progress {
		pr = newProgress(stderr, files)
	}
	results := runTests(ctx, files, f, verdicts, pr, func(r testResult) { printTestResult(stdout, r) })
	wall := time.Since(start)

	var n [4]int
	for _, r := range results {
		n[r.Status]++
	}
	summary := fmt.Sprintf("%d passed, %d failed", n[testPass], n[testFail])
	if n[testError] > 0 {
		summary += fmt.Sprintf(", %d errors", n[testError])
	}
	if n[testInterrupted] > 0 {
		summary += fmt.Sprintf(", %d not run (interrupted)", n[testInterrupted])
	}
	fmt.Fprintln(stdout, summary)

	code := exitSafe
	if f.junit != "" {
		var buf bytes.Buffer
		err := writeJUnit(&buf, results, wall)
		if err == nil {
			err = os.WriteFile(f.junit, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "ftcheck test: --junit: %v\n", err)
			code = exitUsage
		}
	}
	for status, c := range map[testStatus]int{testFail: exitViolation, testError: exitUsage, testInterrupted: exitIncomplete} {
		if n[status] > 0 {
			code = worse(code, c)
		}
	}
	return code
}

// testKinds are the file names ftcheck test runs.
var testKinds = map[string]bool{".scenario": true, ".litmus": true}

// discoverTests lists the files to test, in command-line order, each
// folder's files in lexical order. A path that is not a folder is a file
// to test whatever it is: if it does not exist, is no regular file or no
// .scenario or .litmus file, that is its error when it runs, and the other
// files still run. The one error returned is a folder without any test
// file: a CI job pointed at the wrong folder must not pass, and there is
// no file to report it on.
func discoverTests(paths []string) ([]testFile, error) {
	var files []testFile
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			files = append(files, testFile{p, filepath.Dir(p), p, err})
			continue
		}
		before := len(files)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				// A subfolder that cannot be read hides its files: it
				// is an entry of its own, so the run cannot pass.
				files = append(files, testFile{path, p, underFolder(p, path), err})
				return nil
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && testKinds[filepath.Ext(path)] {
				files = append(files, testFile{path, p, underFolder(p, path), nil})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(files) == before {
			return nil, fmt.Errorf("%s: no .scenario or .litmus files in it", p)
		}
	}
	return files, nil
}

// underFolder is path's name under the folder it was found in.
func underFolder(folder, path string) string {
	if name, err := filepath.Rel(folder, path); err == nil {
		return name
	}
	return path
}

// runTests tests files on f.jobs goroutines and reports each result to
// show in input order, as soon as it and every earlier one are done, and
// to pr (if not nil) as each file starts and ends. After Ctrl-C no file is
// started; a search it stopped is reported as interrupted, not as failed.
func runTests(ctx context.Context, files []testFile, f testFlags, verdicts *verdictFiles, pr *progress, show func(testResult)) []testResult {
	results := make([]testResult, len(files))
	jobs := make(chan int)
	done := make(chan int)
	for w := 0; w < min(f.jobs, len(files)); w++ {
		go func() {
			for i := range jobs {
				if ctx.Err() != nil {
					results[i] = testResult{File: files[i].path, Status: testInterrupted}
				} else {
					pr.start(i)
					results[i] = runTest(ctx, files[i], f, verdicts)
					pr.end(i, results[i])
				}
				done <- i
			}
		}()
	}
	go func() {
		for i := range files {
			jobs <- i
		}
		close(jobs)
	}()
	finished := make([]bool, len(files))
	next := 0
	for range files {
		finished[<-done] = true
		for next < len(files) && finished[next] {
			show(results[next])
			next++
		}
	}
	return results
}

// runTest tests one file. Whatever is wrong with the file — it is missing,
// a device or a FIFO, too large, malformed, or it makes ftcheck panic —
// ends as this file's error, never the whole run: a CI job learns about
// every other file too.
func runTest(ctx context.Context, tf testFile, f testFlags, verdicts *verdictFiles) (r testResult) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			r = testResult{Status: testError, Internal: true,
				Detail: fmt.Sprintf("%s: internal error, a bug in ftcheck (please report it with this file): %v\n%s", tf.path, v, debug.Stack())}
		}
		r.File, r.Elapsed = tf.path, time.Since(start)
	}()
	bad := func(err error) testResult { return testResult{Status: testError, Detail: fileError(tf.path, err)} }
	if tf.err != nil {
		return bad(tf.err)
	}
	// Read through input: a device, a FIFO or a huge file is refused
	// before a byte is read (os.ReadFile of /dev/zero never returns, of
	// a FIFO blocks until a writer comes).
	src, err := input.ReadFile(tf.path, input.MaxSource)
	if err != nil {
		return bad(err)
	}
	switch filepath.Ext(tf.path) {
	case ".litmus":
		return runLitmusTest(tf, src, f, verdicts)
	case ".scenario":
		return runScenarioTest(ctx, tf.path, src, f)
	}
	return bad(fmt.Errorf("%s: not a .scenario or .litmus file", tf.path))
}

// fileError is err as a line that starts with the file's name: an
// *fs.PathError about the file itself ("stat FILE: no such file or
// directory") says it without the operation.
func fileError(file string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == file {
		return fmt.Sprintf("%s: %v", file, pe.Err)
	}
	return err.Error()
}

// runScenarioTest explores the file's own configuration — what
// `ftcheck explore FILE` explores — and judges it by its expect lines,
// one search each (a line that names checks searches with them alone).
func runScenarioTest(ctx context.Context, file string, src []byte, f testFlags) testResult {
	fail := func(err error) testResult { return testResult{Status: testError, Detail: err.Error()} }
	p, err := patchproto.Parse(file, src)
	if err != nil {
		return fail(err)
	}
	if len(p.Expects) == 0 {
		return fail(fmt.Errorf("%s: no expect line: say what must happen, e.g. expect safe or expect violated torn-pair (docs/ci.md)", file))
	}
	var all testResult
	var expected, got, counts []string
	for _, e := range p.Expects {
		r := judgeExpect(ctx, file, p, e, f)
		expected, got, counts = append(expected, r.Expected), append(got, r.Got), append(counts, r.Counts)
		if r.Status > all.Status { // pass < fail < error < interrupted
			all.Status, all.Detail = r.Status, r.Detail
		}
		if r.Status == testError || r.Status == testInterrupted {
			break
		}
	}
	all.Expected, all.Got, all.Counts = strings.Join(expected, "; "), strings.Join(got, "; "), strings.Join(counts, ", ")
	return all
}

// judgeExpect runs the search expect line e asks about and judges it.
func judgeExpect(ctx context.Context, file string, p *patchproto.Protocol, e *scenario.Expect, f testFlags) testResult {
	fail := func(err error) testResult { return testResult{Status: testError, Detail: err.Error()} }
	opt, err := p.FileDefaults()
	if err != nil {
		return fail(err)
	}
	c, err := p.Configure(opt)
	if err != nil {
		return fail(err)
	}
	if err := e.Applies(c.System); err != nil {
		return fail(err)
	}
	// An expectation that names checks is about them alone.
	if sel := e.Selects(); len(sel) > 0 {
		if err := c.SelectChecks(sel); err != nil {
			return fail(err)
		}
	}
	// Files run side by side (--jobs), each search on one worker; --timeout
	// bounds a file whose scenario sets no timeout of its own.
	over := patchproto.Overrides{Engine: model.Options{Workers: 1}}
	if c.Bounds.Timeout == 0 {
		over.Timeout = &f.timeout
	}
	_, res := c.Run(ctx, over)
	r := testResult{Expected: e.String()}
	r.Counts = fmt.Sprintf("%d states", res.Stats.States)
	ok, got, jerr := e.Judge(res, c.System)
	r.Got = got
	switch {
	case jerr != nil:
		r.Status, r.Detail = testError, jerr.Error()
	case ok:
		r.Status = testPass
	case res.Outcome == model.Incomplete && ctx.Err() != nil:
		r.Status = testInterrupted
	default:
		r.Status = testFail
		var b strings.Builder
		rep := Report{Tool: toolVersion, Format: reportFormat, Protocol: p.Name, Scenario: file, Options: c.Options, Result: res}
		if err := render.Email(&b, viewInput(rep, c.System)); err != nil {
			fmt.Fprintf(&b, "(the report could not be drawn: %v)\n", err)
		}
		fmt.Fprintf(&b, "\nexpected: %s (%s)\nreproduce: ftcheck explore %s\n", r.Expected, e.Pos, file)
		r.Detail = b.String()
	}
	return r
}

// runLitmusTest decides a litmus file under its architecture's model,
// as ftcheck litmus does, and compares with herd's verdict for it.
func runLitmusTest(tf testFile, src []byte, f testFlags, verdicts *verdictFiles) testResult {
	e, found, err := verdicts.lookup(tf)
	if err != nil {
		return testResult{Status: testError, Detail: err.Error()}
	}
	if !found {
		return testResult{Status: testError, Detail: fmt.Sprintf("%s: no expected verdict: add `%s Allowed|Forbidden|Required` to a *.kinds file, or `%s,0|1` to a *-expected.csv, in its folder (ftcheck litmus runs a file for its verdict alone)",
			tf.path, litmus.ExpectationKey(tf.path), filepath.ToSlash(tf.path))}
	}
	t, err := litmus.Parse(tf.path, src)
	if err != nil {
		return testResult{Status: testError, Detail: err.Error()}
	}
	res := litmus.Run(t, litmus.Options{Timeout: f.timeout})
	r := testResult{Expected: e.String(), Counts: fmt.Sprintf("%d executions", res.Executions)}
	switch {
	case res.Unsupported != "":
		r.Status, r.Detail = testError, fmt.Sprintf("%s: unsupported: %s", tf.path, res.Unsupported)
	case res.TimedOut:
		r.Status, r.Got = testFail, fmt.Sprintf("timeout after %s (%d executions)", f.timeout, res.Executions)
		r.Detail = "the search ran out of time: no verdict"
	default:
		r.Got = fmt.Sprintf("%s %s (model %s)", res.Verdict, res.Kind, res.Model)
		r.Status = testPass
		if !e.Agrees(res) {
			r.Status = testFail
			r.Detail = fmt.Sprintf("herd's verdict is %s; under %s the condition's verdict is %s and its outcome %s\n", e, res.Model, res.Verdict, res.Kind)
		}
	}
	return r
}

// progress writes a line on stderr as each file starts and as it ends, so
// that a CI log shows which file a long search is in: "[38/65] NAME …",
// later "[38/65] NAME PASS 1.2s" (FAIL, ERROR, SKIP as on stdout). NAME
// is testFile.name: short, and unique within a folder. A file never
// started (after Ctrl-C) has no line. Every line ends in a newline, on a
// terminal too: a log or a pipe gets one line per event, and on a
// terminal the lines of files running at once would overwrite each
// other's carriage returns. The workers write one whole line at a time,
// under mu. A nil *progress writes nothing.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	names []string
}

func newProgress(w io.Writer, files []testFile) *progress {
	p := &progress{w: w}
	for _, f := range files {
		p.names = append(p.names, f.name)
	}
	return p
}

func (p *progress) line(i int, what string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "[%d/%d] %s %s\n", i+1, len(p.names), p.names[i], what)
}

func (p *progress) start(i int) { p.line(i, "…") }

func (p *progress) end(i int, r testResult) {
	p.line(i, fmt.Sprintf("%s %s", statusWord[r.Status], r.Elapsed.Round(time.Millisecond)))
}

// statusWord is a status as the first word of its stdout line says it.
var statusWord = map[testStatus]string{testPass: "PASS", testFail: "FAIL", testError: "ERROR", testInterrupted: "SKIP"}

// printTestResult writes a file's line, and under a failure or an error
// what explains it, indented.
func printTestResult(w io.Writer, r testResult) {
	ms := r.Elapsed.Round(time.Millisecond)
	switch r.Status {
	case testPass:
		fmt.Fprintf(w, "PASS  %s (%s, %s, %s)\n", r.File, r.Got, r.Counts, ms)
	case testFail:
		fmt.Fprintf(w, "FAIL  %s: expected %s, got %s (%s, %s)\n", r.File, r.Expected, r.Got, r.Counts, ms)
	case testError:
		// The message names the file (file:line:col: ...) or is given it.
		first, more, _ := strings.Cut(r.Detail, "\n")
		if !strings.HasPrefix(first, r.File) {
			first = r.File + ": " + first
		}
		fmt.Fprintf(w, "ERROR %s\n", first)
		r.Detail = more
	case testInterrupted:
		fmt.Fprintf(w, "SKIP  %s: interrupted\n", r.File)
	}
	if r.Detail != "" {
		for _, l := range strings.Split(strings.TrimRight(r.Detail, "\n"), "\n") {
			fmt.Fprintln(w, strings.TrimRight("      "+l, " "))
		}
	}
}

// verdictFiles finds herd's verdict files next to litmus tests, reading
// each folder's once.
type verdictFiles struct {
	given []map[string]litmus.Expectation // --expect, first
	mu    sync.Mutex                      // guards dirs
	dirs  map[string]verdictDir
}

type verdictDir struct {
	m   map[string]litmus.Expectation // the folder's verdict files merged
	err error
}

func newVerdictFiles() *verdictFiles { return &verdictFiles{dirs: map[string]verdictDir{}} }

// loadVerdictFile reads a verdict file if it is a regular file: a FIFO or
// a device named like one would block or never end the read.
func loadVerdictFile(path string) (map[string]litmus.Expectation, error) {
	fi, err := os.Stat(path)
	if err == nil {
		err = input.Regular(path, fi)
	}
	if err != nil {
		return nil, err
	}
	return litmus.LoadExpectations(path)
}

// isVerdictFile: Dat3M's NAME-expected.csv, herd's NAME-kinds.txt and
// NAME.kinds.
func isVerdictFile(name string) bool {
	return strings.HasSuffix(name, "-expected.csv") || strings.HasSuffix(name, "-kinds.txt") || strings.HasSuffix(name, ".kinds")
}

// lookup finds tf's verdict: --expect files first, then the verdict
// files of its folder, its parent, ... up to the folder it was found
// from. Lookups run on several goroutines; the folders are read under
// a lock.
func (v *verdictFiles) lookup(tf testFile) (litmus.Expectation, bool, error) {
	for _, m := range v.given {
		if e, ok := litmus.LookupExpectation(m, tf.path); ok {
			return e, true, nil
		}
	}
	root := filepath.Clean(tf.root)
	for dir := filepath.Dir(tf.path); ; dir = filepath.Dir(dir) {
		vd := v.dir(dir)
		if vd.err != nil {
			return litmus.Expectation{}, false, vd.err
		}
		if e, ok := litmus.LookupExpectation(vd.m, tf.path); ok {
			return e, true, nil
		}
		if filepath.Clean(dir) == root || filepath.Dir(dir) == dir {
			return litmus.Expectation{}, false, nil
		}
	}
}

func (v *verdictFiles) dir(dir string) verdictDir {
	v.mu.Lock()
	defer v.mu.Unlock()
	if vd, ok := v.dirs[dir]; ok {
		return vd
	}
	vd := verdictDir{m: map[string]litmus.Expectation{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		vd.err = err
	}
	for _, e := range ents {
		if e.IsDir() || !isVerdictFile(e.Name()) {
			continue
		}
		m, err := loadVerdictFile(filepath.Join(dir, e.Name()))
		if err != nil {
			vd.err = err
			break
		}
		maps.Copy(vd.m, m)
	}
	v.dirs[dir] = vd
	return vd
}
