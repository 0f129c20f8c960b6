/* plot_optimize.c: the charts of a search (see plot_optimize.h). */
#include "plot_optimize.h"

fs_status fs_plot_optimize(const char *dir, const fs_plot_opts *opts, fs_err *err)
{
    (void)dir; (void)opts; (void)err;
    return FS_OK;
}
