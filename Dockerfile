# One image for every service of the bank supergraph: the router and each
# subgraph run from it, chosen by the command
#   node bin/service.ts router
#   node bin/service.ts subgraph <identity|banking|billing|lending|messaging>
# docker-compose.yml builds it once per service and sets the command.
#
# There is no build step: Node 24 runs the TypeScript sources directly (type
# stripping), so the image holds the sources and the production dependencies.
FROM node:24-bookworm-slim

WORKDIR /app

# Dependencies first, so editing sources does not invalidate this layer.
# The `node` npm package (a production dependency) installs a second Node 24
# into node_modules/.bin for npm scripts; the image runs /usr/local/bin/node.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Sources. Each folder is copied on its own line: a multi-source COPY would
# flatten the folders' contents into /app. Files stay owned by root, so the
# unprivileged runtime user can read but not modify the application.
COPY platform ./platform
COPY router ./router
COPY subgraphs ./subgraphs
COPY schema ./schema
COPY bin ./bin

ENV NODE_ENV=production
# In a container the service must listen on every interface, not loopback.
ENV HOST=0.0.0.0

# Never run as root: the official image ships the unprivileged `node` user.
USER node

CMD ["node", "bin/service.ts", "router"]
