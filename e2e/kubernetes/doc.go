// Package kubernetes checks examples/kubernetes without a cluster: it
// renders the kustomize base with kustomize's own library, decodes every
// object strictly into the Kubernetes and Prometheus Operator API types, and
// checks that the objects agree with each other, with the exporter's
// configuration and with examples/alerts.yml.
//
// It is a module of its own so that kustomize, k8s.io/api and the Prometheus
// Operator's types stay out of the exporter's go.mod; `make test-kubernetes`
// runs it, and `make test` runs that.
package kubernetes
