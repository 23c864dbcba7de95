# Shared by the bench scripts (source it): hand the work directory $W to the unprivileged
# user $USER_NAME and define as_user, which runs a command as that user (or as ourselves
# when we are not root) with HOME=$W.
give_to_user() {
  chmod -R a+rX "$W"
  if [ "$(id -u)" = 0 ]; then
    chown -R "$USER_NAME" "$W"
    as_user() { runuser -u "$USER_NAME" -- env HOME="$W" "$@"; }
  else
    as_user() { env HOME="$W" "$@"; }
  fi
}
