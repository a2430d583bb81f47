def post_init_hook(env):
    """The job-based scheduled action replaces the inline daily close."""
    env["microloan.close.run"]._switch_inline_close(False)


def uninstall_hook(env):
    """Without the jobs, the daily close runs inline again."""
    env["microloan.close.run"]._switch_inline_close(True)
