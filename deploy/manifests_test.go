// Package deploy holds the recipes that run potbench on a cluster:
// Kubernetes Indexed Jobs and Slurm job arrays for sharded training runs and
// benchmark sweeps. Its test checks them against the Kubernetes API types
// and the shell's syntax.
package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// docs splits a YAML stream into its documents.
func docs(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, d := range bytes.Split(data, []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// TestKubernetesManifests decodes every document strictly into its API type
// (an unknown or misspelt field fails) and checks what the recipes rely on.
func TestKubernetesManifests(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	if len(files) < 3 {
		t.Fatalf("manifests: %v", files)
	}
	claims := map[string]bool{}
	var jobs []batchv1.Job
	for _, f := range files {
		for i, d := range docs(t, f) {
			var meta struct{ Kind string }
			if err := yaml.Unmarshal(d, &meta); err != nil {
				t.Fatalf("%s document %d: %v", f, i, err)
			}
			switch meta.Kind {
			case "Job":
				var j batchv1.Job
				if err := yaml.UnmarshalStrict(d, &j); err != nil {
					t.Fatalf("%s document %d: not a valid Job: %v", f, i, err)
				}
				jobs = append(jobs, j)
			case "PersistentVolumeClaim":
				var c corev1.PersistentVolumeClaim
				if err := yaml.UnmarshalStrict(d, &c); err != nil {
					t.Fatalf("%s document %d: not a valid PersistentVolumeClaim: %v", f, i, err)
				}
				if !slices.Contains(c.Spec.AccessModes, corev1.ReadWriteMany) {
					t.Errorf("%s: the shared volume must be ReadWriteMany", f)
				}
				claims[c.Name] = true
			default:
				t.Fatalf("%s document %d: unexpected kind %q", f, i, meta.Kind)
			}
		}
	}
	indexed := 0
	for _, j := range jobs {
		spec := j.Spec.Template.Spec
		if spec.RestartPolicy != corev1.RestartPolicyNever || len(spec.Containers) != 1 || spec.Containers[0].Image == "" {
			t.Errorf("job %s: want one container with an image and restartPolicy Never", j.Name)
		}
		for _, v := range spec.Volumes {
			if v.PersistentVolumeClaim == nil || !claims[v.PersistentVolumeClaim.ClaimName] {
				t.Errorf("job %s: volume %s is not the shared claim", j.Name, v.Name)
			}
		}
		cmd := strings.Join(append(spec.Containers[0].Command, spec.Containers[0].Args...), " ")
		if j.Spec.CompletionMode != nil && *j.Spec.CompletionMode == batchv1.IndexedCompletion {
			indexed++
			if j.Spec.Completions == nil || j.Spec.Parallelism == nil {
				t.Errorf("indexed job %s: completions and parallelism must be set", j.Name)
			}
			if !strings.Contains(cmd, "-shard") && !strings.Contains(cmd, "JOB_COMPLETION_INDEX") {
				t.Errorf("indexed job %s does not use its index: %s", j.Name, cmd)
			}
		}
	}
	if indexed != 2 {
		t.Errorf("want an Indexed Job for the training run and one for the sweep, found %d", indexed)
	}
}

// TestSlurmScripts checks the scripts' syntax and that each recipe is a job
// array with a dependent job (TestSlurmCluster runs them on a real cluster).
func TestSlurmScripts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("slurm", "*.sh"))
	if len(files) != 3 {
		t.Fatalf("scripts: %v", files)
	}
	for _, f := range files {
		if out, err := exec.Command("bash", "-n", f).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", f, err, out)
		}
		data, _ := os.ReadFile(f)
		if filepath.Base(f) == "local-cluster.sh" {
			continue
		}
		if !strings.Contains(string(data), "--array=") || !strings.Contains(string(data), "--dependency=after") {
			t.Errorf("%s: want a job array and a dependent job", f)
		}
	}
}
