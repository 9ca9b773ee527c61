"""`make run-sam`: the system of `make run`, every function in its Lambda container (§14).

The runner's own gateway and rule dispatcher (``local.runner.start``) serve the same port, routes
and admin auth as ``make run``; only the functions run elsewhere: each ``FunctionPool`` invokes
``sam local start-lambda --warm-containers LAZY`` (one warm container per function, created on its
first event), built by ``sam build`` in the Lambda base image (``make sam-image``). A function's
error (``FunctionError``) is raised here, so an HTTP request gets API Gateway's 500 and an
EventBridge delivery is retried and then dead-lettered as in Lambda.

The containers reach the emulated AWS services (moto, in this process) over HTTP at the host's
address on Docker's default bridge (``--docker-network host`` does nothing in SAM CLI 1.170), given
to them as ``AWS_ENDPOINT_URL``: ``sam local --env-vars`` only sets variables the template
declares, so SAM runs a copy of the built template that declares it, and every function gets the
environment ``LocalStack.functions()`` resolves (SAM would resolve ``!Ref`` of a resource to its
logical id). The endpoint is served on the bridge address and, as in ``make run``, on 127.0.0.1.
It holds the admin token (SSM), so each endpoint answers loopback clients and those naming its own
address only, never a web page of another origin (``local.aws_endpoint``, §22).

- ``build``: what sam local runs (the checks before starting, the containers' template and environment)
- ``containers``: Docker's bridge, ``sam local start-lambda`` and the containers of a run
- ``invoker``: one event to a function's container, its error as Lambda's ``FunctionError``
- ``main``: ``python -m local.sam_runner``, what `make run-sam` runs
- ``invoke``: ``python -m local.sam_runner.invoke``, what `make invoke` runs
"""
