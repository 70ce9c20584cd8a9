"""The project lifecycle after ``scaffold new``: answer changes, template updates and organisation layers.

Everything here drives copier's update machinery (its three-way merge) and therefore needs two things
copier insists on: a git-versioned template (``_src_path`` + ``_commit`` in ``.copier-answers.yml``) and a
git-tracked project. ``docs/lifecycle.md`` explains the design; the modules are:

- ``gitutil`` / ``fetch``: the git commands scaffold runs itself, and fetching git-hosted sources;
- ``cache`` / ``snapshot``: the local template cache, deterministic tagged commits, ``scaffold://`` URLs;
- ``builtin``: the built-in template as a versioned repository (one tag per toolkit version);
- ``layers`` / ``compose``: organisation layers and their composition with a pinned base template;
- ``sources`` / ``record`` / ``newgit``: what ``scaffold new --template`` names, and the new project's git;
- ``project_template``: an existing project's template - is its version here, which one is newer;
- ``engine`` / ``changes`` / ``scratch`` / ``pristine``: running an update, answer changes, dry runs;
- ``migrate``: the file-move migration helper templates call from copier ``_migrations``;
- ``deployed``: whether a target still has cloud resources (a read-only view of the deploy state);
- ``combinations`` / ``validate`` / ``validation_source`` / ``report``: ``scaffold template validate``.
"""
