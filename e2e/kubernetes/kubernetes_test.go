package kubernetes

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// root is the exporter's repository, relative to this package's directory.
func root(elem ...string) string {
	return filepath.Join(append([]string{"..", ".."}, elem...)...)
}

// What the image promises (Dockerfile, README "Run in a container").
const (
	imageName = "statuspage_exporter"
	imageUID  = 65534
	port      = 10036
)

// objects holds the rendered base, one object of each kind.
type objects struct {
	configMap      *corev1.ConfigMap
	deployment     *appsv1.Deployment
	service        *corev1.Service
	serviceMonitor *monitoringv1.ServiceMonitor
	probe          *monitoringv1.Probe
	rule           *monitoringv1.PrometheusRule
}

// render runs kustomize on examples/kubernetes, as `kubectl apply -k` does,
// and decodes every object strictly into its API type: an unknown or
// misspelt field, a duplicate one or an unexpected kind fails.
func render(t *testing.T) *objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), root("examples", "kubernetes"))
	if err != nil {
		t.Fatalf("kustomize build examples/kubernetes: %v", err)
	}
	o := &objects{}
	targets := map[string]any{
		"v1/ConfigMap":       &o.configMap,
		"apps/v1/Deployment": &o.deployment,
		"v1/Service":         &o.service,
		"monitoring.coreos.com/v1/ServiceMonitor": &o.serviceMonitor,
		"monitoring.coreos.com/v1/Probe":          &o.probe,
		"monitoring.coreos.com/v1/PrometheusRule": &o.rule,
	}
	var kinds []string
	for _, res := range m.Resources() {
		b, err := res.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		gvk := res.GetApiVersion() + "/" + res.GetKind()
		kinds = append(kinds, res.GetKind())
		target, ok := targets[gvk]
		if !ok {
			t.Errorf("unexpected object %s %s", gvk, res.GetName())
			continue
		}
		// target points at a nil pointer of the object's type.
		ptr := reflect.ValueOf(target).Elem()
		if !ptr.IsNil() {
			t.Errorf("two objects of kind %s", gvk)
			continue
		}
		ptr.Set(reflect.New(ptr.Type().Elem()))
		decodeStrict(t, gvk+" "+res.GetName(), b, ptr.Interface())
	}
	t.Logf("rendered: %s", strings.Join(kinds, ", "))
	for gvk, target := range targets {
		if reflect.ValueOf(target).Elem().IsNil() {
			t.Errorf("no %s in the base", gvk)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return o
}

// decodeStrict decodes JSON into v as the API server would reject it:
// unknown fields, duplicate fields and fields in the wrong case fail.
func decodeStrict(t *testing.T, what string, b []byte, v any) {
	t.Helper()
	strict, err := sigsjson.UnmarshalStrict(b, v)
	if err != nil {
		t.Errorf("%s: %v", what, err)
	}
	for _, e := range strict {
		t.Errorf("%s: %v", what, e)
	}
}

func TestKustomization(t *testing.T) {
	o := render(t)
	version := readVersion(t)

	// Everything in one namespace, labelled alike.
	for _, meta := range []struct {
		kind, name, namespace string
		labels                map[string]string
	}{
		{"ConfigMap", o.configMap.Name, o.configMap.Namespace, o.configMap.Labels},
		{"Deployment", o.deployment.Name, o.deployment.Namespace, o.deployment.Labels},
		{"Service", o.service.Name, o.service.Namespace, o.service.Labels},
		{"ServiceMonitor", o.serviceMonitor.Name, o.serviceMonitor.Namespace, o.serviceMonitor.Labels},
		{"Probe", o.probe.Name, o.probe.Namespace, o.probe.Labels},
		{"PrometheusRule", o.rule.Name, o.rule.Namespace, o.rule.Labels},
	} {
		if meta.namespace != o.service.Namespace || meta.namespace == "" {
			t.Errorf("%s %s is in namespace %q, the Service in %q", meta.kind, meta.name, meta.namespace, o.service.Namespace)
		}
		if meta.labels["app.kubernetes.io/name"] != "statuspage-exporter" {
			t.Errorf("%s %s has labels %v, want app.kubernetes.io/name=statuspage-exporter", meta.kind, meta.name, meta.labels)
		}
	}

	pages := configuredPages(t, o.configMap)
	jobs := exampleJobs(t)

	t.Run("Deployment", func(t *testing.T) {
		checkDeployment(t, o, version)
	})

	t.Run("Service", func(t *testing.T) {
		pod := labels.Set(o.deployment.Spec.Template.Labels)
		if sel := labels.SelectorFromSet(o.service.Spec.Selector); len(o.service.Spec.Selector) == 0 || !sel.Matches(pod) {
			t.Errorf("Service selector %v does not select the pods (%v)", o.service.Spec.Selector, pod)
		}
		if sel := labels.SelectorFromSet(o.deployment.Spec.Selector.MatchLabels); !sel.Matches(pod) {
			t.Errorf("Deployment selector %v does not select its own pods (%v)", o.deployment.Spec.Selector.MatchLabels, pod)
		}
		p := servicePort(t, o.service)
		if p.Port != port || p.TargetPort != intstr.FromString("http") {
			t.Errorf("Service port %d → %s, want %d → the container's port http", p.Port, p.TargetPort.String(), port)
		}
	})

	t.Run("ServiceMonitor", func(t *testing.T) {
		sm := o.serviceMonitor.Spec
		sel := labels.SelectorFromSet(sm.Selector.MatchLabels)
		if len(sm.Selector.MatchLabels) == 0 || len(sm.Selector.MatchExpressions) > 0 || !sel.Matches(labels.Set(o.service.Labels)) {
			t.Errorf("ServiceMonitor selector %v does not select the Service (%v)", sm.Selector, o.service.Labels)
		}
		if len(sm.Endpoints) != 1 {
			t.Fatalf("ServiceMonitor has %d endpoints, want 1", len(sm.Endpoints))
		}
		ep := sm.Endpoints[0]
		if ep.Port != servicePort(t, o.service).Name || ep.Path != "/metrics" {
			t.Errorf("ServiceMonitor scrapes port %q path %q, want %q /metrics", ep.Port, ep.Path, servicePort(t, o.service).Name)
		}
		checkRelabeling(t, ep.MetricRelabelConfigs)
		if len(ep.RelabelConfigs) != 1 || ep.RelabelConfigs[0].TargetLabel != "job" || ep.RelabelConfigs[0].Replacement == nil ||
			!slices.Contains(jobs, *ep.RelabelConfigs[0].Replacement) {
			t.Errorf("ServiceMonitor relabelings %+v, want job set to one of examples/prometheus.yml's jobs %q", ep.RelabelConfigs, jobs)
		}
	})

	t.Run("Probe", func(t *testing.T) {
		spec := o.probe.Spec
		if spec.ProberSpec.Path != "/probe" || spec.ProberSpec.Scheme == nil || *spec.ProberSpec.Scheme != "http" {
			t.Errorf("Probe prober path %q scheme %v, want /probe over http", spec.ProberSpec.Path, spec.ProberSpec.Scheme)
		}
		want := fmt.Sprintf("%s.%s.svc:%d", o.service.Name, o.service.Namespace, servicePort(t, o.service).Port)
		if spec.ProberSpec.URL != want {
			t.Errorf("Probe prober url %q, want the Service, %q", spec.ProberSpec.URL, want)
		}
		if !slices.Contains(jobs, spec.JobName) {
			t.Errorf("Probe job %q is not one of examples/prometheus.yml's jobs %q, which the alerts select", spec.JobName, jobs)
		}
		if spec.Targets.StaticConfig == nil || spec.Targets.Ingress != nil {
			t.Fatalf("Probe targets %+v, want a static list of page names", spec.Targets)
		}
		got := spec.Targets.StaticConfig.Targets
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Compact(slices.Sorted(slices.Values(got)))) {
			t.Errorf("Probe targets %q name a page twice", got)
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(pages))) {
			t.Errorf("Probe targets %q, want the pages of the ConfigMap's configuration, %q", got, pages)
		}
	})

	t.Run("PrometheusRule", func(t *testing.T) {
		// The mixin generates it from the groups of the two rule files.
		var want []monitoringv1.RuleGroup
		for _, file := range []string{"alerts.yml", "recording_rules.yml"} {
			var rules monitoringv1.PrometheusRuleSpec
			b, err := os.ReadFile(root("examples", file))
			if err != nil {
				t.Fatal(err)
			}
			j, err := yaml.YAMLToJSONStrict(b)
			if err != nil {
				t.Fatalf("examples/%s: %v", file, err)
			}
			decodeStrict(t, "examples/"+file, j, &rules)
			if len(rules.Groups) == 0 {
				t.Fatalf("examples/%s has no groups", file)
			}
			want = append(want, rules.Groups...)
		}
		if !reflect.DeepEqual(o.rule.Spec.Groups, want) {
			got, _ := json.MarshalIndent(o.rule.Spec.Groups, "", "  ")
			wantJSON, _ := json.MarshalIndent(want, "", "  ")
			t.Errorf("the PrometheusRule's groups differ from those of examples/alerts.yml and recording_rules.yml: run make mixin\ngot:\n%s\nwant:\n%s", got, wantJSON)
		}
	})
}

// configuredPages parses the ConfigMap's configuration as the exporter
// does and returns its page names.
func configuredPages(t *testing.T, cm *corev1.ConfigMap) []string {
	t.Helper()
	if len(cm.Data) != 1 {
		t.Fatalf("ConfigMap holds %d files, want 1", len(cm.Data))
	}
	raw, ok := cm.Data["statuspage_exporter.yml"]
	if !ok {
		t.Fatalf("ConfigMap has no statuspage_exporter.yml, but %q", slices.Collect(maps.Keys(cm.Data)))
	}
	c, err := config.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("the ConfigMap's configuration: %v", err)
	}
	if _, err := statuspage.NewTargetSet(c, statuspage.ClientOptions{}); err != nil {
		t.Fatalf("the ConfigMap's configuration: %v", err)
	}
	var names []string
	for _, p := range c.Pages {
		names = append(names, p.Name)
	}
	return names
}

// exampleJobs returns the job names of examples/prometheus.yml: the alerts
// and the dashboard select them, so the operator's jobs must have them too.
func exampleJobs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(root("examples", "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		ScrapeConfigs []struct {
			JobName string `json:"job_name"`
		} `json:"scrape_configs"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("examples/prometheus.yml: %v", err)
	}
	var jobs []string
	for _, sc := range cfg.ScrapeConfigs {
		jobs = append(jobs, sc.JobName)
	}
	return jobs
}

func checkDeployment(t *testing.T, o *objects, version string) {
	pod := o.deployment.Spec.Template.Spec
	if len(pod.Containers) != 1 || len(pod.InitContainers) > 0 {
		t.Fatalf("pod has %d containers and %d init containers, want 1 and none", len(pod.Containers), len(pod.InitContainers))
	}
	c := pod.Containers[0]
	if want := imageName + ":" + version; c.Image != want {
		t.Errorf("image %q, want %q (kustomization.yaml images: newTag follows VERSION)", c.Image, want)
	}

	// Non-root, as the image's numeric user, with nothing to escalate to.
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != imageUID ||
		psc.RunAsGroup == nil || *psc.RunAsGroup != imageUID {
		t.Errorf("pod securityContext %+v, want runAsNonRoot, runAsUser and runAsGroup %d", psc, imageUID)
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod seccompProfile is not RuntimeDefault")
	}
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 ||
		(sc.Privileged != nil && *sc.Privileged) {
		t.Errorf("container securityContext %+v, want a read-only root file system, no privilege escalation, all capabilities dropped", sc)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token it has no use for")
	}

	req, lim := c.Resources.Requests, c.Resources.Limits
	if req.Cpu().IsZero() || req.Memory().IsZero() || lim.Memory().IsZero() || lim.Memory().Cmp(*req.Memory()) < 0 {
		t.Errorf("resources %+v, want cpu and memory requests and a memory limit above the request", c.Resources)
	}

	// The port, and health checks on it.
	if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != port {
		t.Errorf("container ports %+v, want http on %d", c.Ports, port)
	}
	for name, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/-/healthy" || p.HTTPGet.Port != intstr.FromString("http") {
			t.Errorf("%s probe %+v, want GET /-/healthy on port http", name, p)
		}
	}

	// The configuration: the ConfigMap mounted as a directory (a subPath
	// mount never sees an update) and reloaded when it changes.
	flags := map[string]string{}
	for _, a := range c.Args {
		k, v, _ := strings.Cut(a, "=")
		flags[k] = v
	}
	if len(c.Command) > 0 {
		t.Errorf("command %q replaces the image's entrypoint", c.Command)
	}
	file := flags["--config.file"]
	interval, err := time.ParseDuration(flags["--config.auto-reload-interval"])
	if err != nil || interval <= 0 {
		t.Errorf("args %q: want --config.auto-reload-interval above 0, so that a ConfigMap update reaches the exporter", c.Args)
	}
	var mounted bool
	for _, vm := range c.VolumeMounts {
		if filepath.Dir(file) != vm.MountPath {
			continue
		}
		if vm.SubPath != "" || vm.SubPathExpr != "" || !vm.ReadOnly {
			t.Errorf("volume mount %+v: want the whole directory, read-only (a subPath is never updated)", vm)
		}
		i := slices.IndexFunc(pod.Volumes, func(v corev1.Volume) bool { return v.Name == vm.Name })
		if i < 0 || pod.Volumes[i].ConfigMap == nil || pod.Volumes[i].ConfigMap.Name != o.configMap.Name {
			t.Errorf("volume %q is not the ConfigMap %q", vm.Name, o.configMap.Name)
		}
		if _, ok := o.configMap.Data[filepath.Base(file)]; !ok {
			t.Errorf("--config.file=%s: the ConfigMap has no %s", file, filepath.Base(file))
		}
		mounted = true
	}
	if !mounted {
		t.Errorf("--config.file=%q is not in a mounted volume", file)
	}
}

func servicePort(t *testing.T, s *corev1.Service) corev1.ServicePort {
	t.Helper()
	if len(s.Spec.Ports) != 1 {
		t.Fatalf("Service has %d ports, want 1", len(s.Spec.Ports))
	}
	return s.Spec.Ports[0]
}

// checkRelabeling: the ServiceMonitor drops every page series (the Probe
// scrapes them) and keeps every series of the exporter's own.
func checkRelabeling(t *testing.T, rcs []monitoringv1.RelabelConfig) {
	t.Helper()
	if len(rcs) != 1 {
		t.Fatalf("ServiceMonitor has %d metric relabelings, want 1", len(rcs))
	}
	rc := rcs[0]
	if rc.Action != "drop" || !slices.Equal(rc.SourceLabels, []monitoringv1.LabelName{"__name__"}) {
		t.Fatalf("relabeling %+v, want a drop on __name__", rc)
	}
	// Prometheus anchors relabeling regexes at both ends.
	re, err := regexp.Compile("^(?s:" + rc.Regex + ")$")
	if err != nil {
		t.Fatal(err)
	}
	pageNames := goldenFamilies(t)
	for _, name := range pageNames {
		if !re.MatchString(name) {
			t.Errorf("the ServiceMonitor keeps the page series %s, which the Probe scrapes too", name)
		}
	}
	for _, name := range ownFamilies(t) {
		if re.MatchString(name) {
			t.Errorf("the ServiceMonitor drops the exporter's own %s", name)
		}
	}
}

// goldenFamilies returns the names of the page metric families, as the
// golden files of the collector's tests have them.
func goldenFamilies(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(root("testdata", "golden", "*.metrics"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files (%v)", err)
	}
	var names []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "# TYPE "); ok {
				names = append(names, strings.Fields(rest)[0])
			}
		}
		fh.Close()
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// ownFamilies returns the names of what /metrics serves besides the
// pages, registered as main.go registers them and given one sample each.
func ownFamilies(t *testing.T) []string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(versioncollector.NewCollector("statuspage_exporter"), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := collector.NewExporterMetrics(reg)
	m.UpstreamRequest("p", http.StatusOK, time.Second)
	for _, o := range statuspage.Outcomes {
		m.CacheResult("p", o)
	}
	m.ConfigLoaded(nil, []string{"p"}, nil, time.Now())
	promhttp.InstrumentMetricHandler(reg, http.NotFoundHandler())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	if !slices.Contains(names, "statuspage_exporter_build_info") {
		t.Fatalf("own metrics %q lack the build info", names)
	}
	return names
}

func readVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(root("VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	v := strings.TrimSpace(string(b))
	if _, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0]); err != nil {
		t.Fatalf("VERSION %q is not semver", v)
	}
	return v
}
