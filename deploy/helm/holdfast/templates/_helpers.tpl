{{/* Names: <fullname>-<component> for every object of a component. */}}
{{- define "holdfast.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "holdfast.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* dict root component */}}
{{- define "holdfast.componentName" -}}
{{- printf "%s-%s" (include "holdfast.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "holdfast.selectorLabels" -}}
app.kubernetes.io/name: {{ include "holdfast.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "holdfast.labels" -}}
{{ include "holdfast.selectorLabels" . }}
app.kubernetes.io/part-of: holdfast
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "holdfast.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "holdfast.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "holdfast.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
A properties value as Java reads it. Helm parses YAML numbers as floats, which would print 1000000
as 1e+06: whole numbers are printed as integers.
*/}}
{{- define "holdfast.propertyValue" -}}
{{- if kindIs "float64" . -}}
{{- if eq (float64 (int64 .)) . -}}{{ int64 . }}{{- else -}}{{ . }}{{- end -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/*
The settings every process shares: Kafka's address and security, the schema registry, topic names.
Secrets are not here: see holdfast.secretEnv.
*/}}
{{- define "holdfast.commonSettings" -}}
{{- $v := .Values -}}
{{- $s := dict "bootstrap.servers" $v.kafka.bootstrapServers "security.protocol" $v.kafka.securityProtocol -}}
{{- if hasPrefix "SASL_" $v.kafka.securityProtocol -}}
{{- $_ := set $s "sasl.mechanism" $v.kafka.sasl.mechanism -}}
{{- end -}}
{{- if $v.kafka.tls.secretName -}}
{{- $_ := set $s "ssl.truststore.location" (printf "/etc/holdfast/kafka-tls/%s" $v.kafka.tls.truststoreKey) -}}
{{- $_ := set $s "ssl.truststore.type" $v.kafka.tls.truststoreType -}}
{{- end -}}
{{- if $v.schemaRegistry.url -}}
{{- $_ := set $s "schema.registry.url" $v.schemaRegistry.url -}}
{{- end -}}
{{- $_ := set $s "holdfast.topic.prefix" $v.topics.prefix -}}
{{- $_ := set $s "holdfast.topic.partitions" $v.topics.partitions -}}
{{- $_ := set $s "holdfast.topic.replication.factor" $v.topics.replicationFactor -}}
{{- $_ := set $s "holdfast.cdc.topic.prefix" $v.cdc.topicPrefix -}}
{{- $_ := set $s "holdfast.cdc.database" $v.cdc.database -}}
{{- $_ := set $s "holdfast.cdc.revisions.table" $v.cdc.revisionsTable -}}
{{- $_ := set $s "holdfast.cdc.heads.table" $v.cdc.headsTable -}}
{{- $_ := set $s "holdfast.snapshots.bucket" $v.store.snapshots.bucket -}}
{{- $_ := set $s "holdfast.snapshots.prefix" $v.store.snapshots.prefix -}}
{{- toJson $s -}}
{{- end -}}

{{- define "holdfast.dbSettings" -}}
{{- $db := .Values.store.db -}}
{{- toJson (dict "holdfast.db.url" $db.url "holdfast.db.user" $db.user "holdfast.db.pool.size" $db.poolSize) -}}
{{- end -}}

{{- define "holdfast.s3Settings" -}}
{{- $s3 := .Values.store.s3 -}}
{{- toJson (dict "holdfast.s3.endpoint" $s3.endpoint "holdfast.s3.region" $s3.region "holdfast.s3.path.style" $s3.pathStyle) -}}
{{- end -}}

{{/*
dict with httpPort (a component's values): where its /live, /ready and /metrics are served, on every
interface so that the kubelet and Prometheus reach them. Always set: the scanner, the executors, the
agent and the CloudWatch poller otherwise take a free port, which nothing could probe.
*/}}
{{- define "holdfast.httpSettings" -}}
{{- toJson (dict "holdfast.http.bind.address" "0.0.0.0" "holdfast.http.port" .httpPort) -}}
{{- end -}}

{{/*
dict root, settings (component settings, as a map): the properties file, keys sorted. Precedence,
lowest first: common settings, the component's settings, .Values.config, the component's config.
*/}}
{{- define "holdfast.propertiesFile" -}}
{{- $all := merge (dict) (deepCopy .componentConfig) (deepCopy .root.Values.config) .settings (include "holdfast.commonSettings" .root | fromJson) -}}
# holdfast settings for {{ .component }}; defaults < this file < HOLDFAST_* environment (secrets, pod identity).
{{- range $k, $v := $all }}
{{ $k }}={{ include "holdfast.propertyValue" $v }}
{{- end }}
{{ end -}}

{{/* dict root, db (bool), s3 (bool): environment entries for the secrets a process needs. */}}
{{- define "holdfast.secretEnv" -}}
{{- $v := .root.Values -}}
{{- if $v.kafka.sasl.jaasConfigSecret.name }}
- name: HOLDFAST_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ $v.kafka.sasl.jaasConfigSecret.name }}
      key: {{ $v.kafka.sasl.jaasConfigSecret.key }}
{{- end }}
{{- if $v.kafka.tls.secretName }}
- name: HOLDFAST_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.kafka.tls.secretName }}
      key: {{ $v.kafka.tls.truststorePasswordKey }}
{{- end }}
{{- if $v.schemaRegistry.userInfoSecret.name }}
- name: HOLDFAST_BASIC_AUTH_USER_INFO
  valueFrom:
    secretKeyRef:
      name: {{ $v.schemaRegistry.userInfoSecret.name }}
      key: {{ $v.schemaRegistry.userInfoSecret.key }}
{{- end }}
{{- if and .db $v.store.db.passwordSecret.name }}
- name: HOLDFAST_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.store.db.passwordSecret.name }}
      key: {{ $v.store.db.passwordSecret.key }}
{{- end }}
{{- if and .s3 $v.store.s3.credentialsSecret.name }}
- name: HOLDFAST_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $v.store.s3.credentialsSecret.name }}
      key: {{ $v.store.s3.credentialsSecret.accessKeyIdKey }}
- name: HOLDFAST_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.store.s3.credentialsSecret.name }}
      key: {{ $v.store.s3.credentialsSecret.secretAccessKeyKey }}
{{- end }}
{{- end -}}

{{- define "holdfast.tlsVolumeMount" -}}
{{- if .Values.kafka.tls.secretName }}
- name: kafka-tls
  mountPath: /etc/holdfast/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "holdfast.tlsVolume" -}}
{{- if .Values.kafka.tls.secretName }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.tls.secretName }}
{{- end }}
{{- end -}}

{{/* dict root: the pod-level settings every holdfast pod shares. */}}
{{- define "holdfast.podCommon" -}}
serviceAccountName: {{ include "holdfast.serviceAccountName" .root }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* dict root component: the component's values. */}}
{{- define "holdfast.componentValues" -}}
{{- $key := dict "reconciler" "reconciler" "health" "health" "binlog" "binlog" "scanner" "scanner" "reconcile-executor" "reconcileExecutor" "fleet-executor" "fleetExecutor" "topics" "topics" "agent" "agent" "cloudwatch" "cloudwatch" -}}
{{- toJson (index .root.Values (index $key .component)) -}}
{{- end -}}

{{/* dict root component: the properties file of a component, what its ConfigMap holds. */}}
{{- define "holdfast.componentProperties" -}}
{{- $root := .root -}}
{{- $v := include "holdfast.componentValues" . | fromJson -}}
{{- $settings := dict -}}
{{- $config := dict -}}
{{- if or (eq .component "reconciler") (eq .component "health") -}}
{{- $settings = merge (include "holdfast.httpSettings" $v | fromJson) (dict "state.dir" $v.stateDir "num.standby.replicas" $v.standbyReplicas) -}}
{{- $config = $v.config -}}
{{- else if eq .component "binlog" -}}
{{- $settings = merge (include "holdfast.httpSettings" $v | fromJson) (include "holdfast.dbSettings" $root | fromJson) (dict "holdfast.binlog.server.id" $v.serverId) -}}
{{- $config = $v.config -}}
{{- else if eq .component "scanner" -}}
{{- $settings = merge (include "holdfast.httpSettings" $v | fromJson) (include "holdfast.s3Settings" $root | fromJson) (dict "holdfast.scan.interval.ms" $v.intervalMs "holdfast.scan.page.size" $v.pageSize) -}}
{{- $config = $v.config -}}
{{- else if eq .component "reconcile-executor" -}}
{{- $settings = merge (include "holdfast.httpSettings" $v | fromJson) (include "holdfast.dbSettings" $root | fromJson) (include "holdfast.s3Settings" $root | fromJson) (dict "holdfast.executor.reconcile.concurrency" $v.concurrency) -}}
{{- $config = $v.config -}}
{{- else if eq .component "fleet-executor" -}}
{{- $settings = merge (include "holdfast.httpSettings" $v | fromJson) (dict "holdfast.fleet.vtctld.server" $v.vtctld.server "holdfast.fleet.vtctld.path" $v.vtctld.path) -}}
{{- range $op, $cmd := $v.hooks -}}
{{- if $cmd -}}
{{- $_ := set $settings (printf "holdfast.fleet.hook.%s.command" $op) $cmd -}}
{{- end -}}
{{- end -}}
{{- $config = $v.config -}}
{{- else if eq .component "agent" -}}
{{- $settings = merge (include "holdfast.httpSettings" $v | fromJson) (dict "holdfast.agent.period.ms" $v.periodMs) -}}
{{- with $v.peerGroup }}{{ $_ := set $settings "holdfast.agent.peer.group" . }}{{ end -}}
{{- $config = $v.config -}}
{{- else if eq .component "cloudwatch" -}}
{{- $settings = include "holdfast.httpSettings" $v | fromJson -}}
{{- with $v.region }}{{ $_ := set $settings "holdfast.cloudwatch.region" . }}{{ end -}}
{{- with $v.volumeIds }}{{ $_ := set $settings "holdfast.cloudwatch.volume.ids" . }}{{ end -}}
{{- with $v.tagFilters }}{{ $_ := set $settings "holdfast.cloudwatch.tag.filters" . }}{{ end -}}
{{- $config = $v.config -}}
{{- end -}}
{{- include "holdfast.propertiesFile" (dict "root" $root "component" .component "settings" $settings "componentConfig" (default (dict) $config)) -}}
{{- end -}}
