/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's own commands: version, stats, config-show, config-save. */
#ifndef XVIO_DAEMON_CTL_H
#define XVIO_DAEMON_CTL_H

/* config_path: --config, the default of config-save; config_dir: where
 * config-save may write. */
void daemon_ctl_register(const char *config_path, const char *config_dir);

#endif
