"""``python -m dmpg.interfaces.web``: serve the decision page (``dmpg up`` starts it; in production a service
behind the region's reverse proxy, see README "For IT")."""

from __future__ import annotations

import uvicorn

from core.settings import get_settings
from dmpg.interfaces.web.app import create_app


def main() -> None:
    settings = get_settings()
    print(f"DMPG decision page ready on http://{settings.web_host}:{settings.web_port} "
          f"(links in mails point to {settings.public_base_url})", flush=True)
    # proxy_headers: behind the reverse proxy, the client's address and scheme come from it.
    uvicorn.run(create_app(), host=settings.web_host, port=settings.web_port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", log_level="warning", server_header=False)


if __name__ == "__main__":
    main()
