"""JupyterHub for a course on one machine: trainees and the trainer in their own servers.

`cmacademy hub init COURSE` writes a JupyterHub configuration for the course (local system
users, configurable-http-proxy, nbgrader's exchange, idle culling) and starts it. Trainees'
single-user servers run in the trainee environment (scripts/install_trainee_env.sh: no
`grading`, no key); each trainee's exam handout is copied into their home when their server
starts. docs/jupyterhub-dask.md describes the set-up and how to scale it out.
"""
