/* plot_discover.c: the charts of a discovery, from its files alone. */
#include "plot_discover.h"

#include <unistd.h>

#include "fsio.h"

int fs_plot_discover_present(const char *dir)
{
    char path[4096];
    return fs_path_join(path, sizeof path, dir, "discovery_meta.csv") != NULL &&
           access(path, F_OK) == 0;
}

fs_status fs_plot_discover_dir(const char *dir, const fs_plot_opts *opts, fs_err *err)
{
    (void)dir, (void)opts, (void)err;
    return FS_OK;
}
