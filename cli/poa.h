/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * agictl's proof-of-authority verbs: keygen.c, commit.c and audit.c, over
 * daemon/keys.c, commit.c and audit.c (libagiuser.a).
 */
#ifndef AGICTL_POA_H
#define AGICTL_POA_H

#include "../daemon/commit.h"

/* Where keygen writes and commit reads the operator's key by default. */
#define AGI_KEY_DIR ".agiswarm"
#define AGI_KEY_PRIVATE "operator.key"
#define AGI_KEY_PUBLIC "operator.pub"
#define AGI_DEFAULT_AUDIT_LOG "/var/lib/agiswarm/audit.log"
#define AGI_DEFAULT_AUTHORIZED_KEYS "/etc/agiswarm/authorized_keys"

int agictl_keygen(int argc, char **argv);
int agictl_commit(int argc, char **argv);
int agictl_audit(int argc, char **argv);

/* $HOME/.agiswarm, or "." without a home; into @buf. */
void agi_key_dir(char *buf, size_t size);

/*
 * The changes of a commit, each as " name value" in text ("kp 1.5",
 * "setpoint 0.5,-0.25", "cycle 50ms", "matrix 2x3 Q1.31") and as members
 * of the current JSON object, values as exact decimals.
 */
void agi_print_changes(const struct agi_commit_changes *ch);

#endif /* AGICTL_POA_H */
