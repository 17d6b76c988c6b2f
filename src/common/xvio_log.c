/* SPDX-License-Identifier: BSD-3-Clause */
#include "common/xvio_log.h"

RTE_LOG_REGISTER(xvio_logtype, xvio, INFO);
