{{/*
Named templates shared by the manifests. Each takes a dict: `root` (the
top-level context, $) and `name` (the service: router, identity, ...).
*/}}

{{/* A service's object name: <release>-<service>, also its DNS name in the namespace. */}}
{{- define "bank.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels that select one service's pods; never change them on upgrade (selectors are immutable). */}}
{{- define "bank.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Every object's labels. */}}
{{- define "bank.labels" -}}
{{ include "bank.selectorLabels" . }}
app.kubernetes.io/part-of: bank
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}
