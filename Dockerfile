# The statuspage_exporter container image: the static binary that promu
# builds, its default configuration and licence, on no base image. Build it
# with `make image`, which puts the binary where COPY expects it
# (.build/<os>-<arch>/, promu's crossbuild layout) and passes the labels'
# values; docker, podman and buildah all read this file.
#
# There is no CA bundle in the image: the binary carries Mozilla's root
# certificates (golang.org/x/crypto/x509roots/fallback) for the pages it
# fetches over HTTPS. Nothing here runs a shell, so the image needs none.
FROM scratch

ARG OS=linux
ARG ARCH=amd64
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=https://github.com/statuspage-exporter/statuspage_exporter

LABEL org.opencontainers.image.title="statuspage_exporter" \
      org.opencontainers.image.description="Prometheus exporter for Atlassian Statuspage and compatible status pages" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY .build/${OS}-${ARCH}/statuspage_exporter /bin/statuspage_exporter
COPY statuspage_exporter.yml /etc/statuspage_exporter/statuspage_exporter.yml
COPY LICENSE NOTICE /licenses/

# nobody:nogroup. A numeric user, so that Kubernetes' runAsNonRoot can check
# it without a passwd file.
USER 65534:65534
EXPOSE 10036
ENTRYPOINT ["/bin/statuspage_exporter"]
CMD ["--config.file=/etc/statuspage_exporter/statuspage_exporter.yml"]
