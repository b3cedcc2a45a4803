import { GraphQLFloat, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig, type GraphQLNullableType } from './graphql-js.js';
import { resourceByKind } from '../../api/registry.js';
import { unavailable } from '../errors.js';
import { access, guard, type GraphqlContext } from './schema.js';

/** `chartHistory`: the cluster view's chart samples kept by the apiserver (chart-history.ts). */

const nonNull = <T extends GraphQLNullableType>(t: T): GraphQLNonNull<T> => new GraphQLNonNull(t);

const ChartPointType = new GraphQLObjectType({
  name: 'ChartPoint',
  fields: {
    a: { type: GraphQLFloat, description: 'The first value (desired replicas; current utilisation; current replicas); null where the object did not exist.' },
    b: { type: GraphQLFloat, description: 'The second value (ready replicas; target utilisation; desired replicas).' },
  },
});

const ChartSeriesType = new GraphQLObjectType({
  name: 'ChartSeries',
  fields: {
    key: { type: nonNull(GraphQLString), description: 'namespace/name' },
    values: { type: nonNull(new GraphQLList(nonNull(ChartPointType))), description: 'One value per sample time.' },
  },
});

const ChartHistoryType = new GraphQLObjectType({
  name: 'ChartHistory',
  fields: {
    times: { type: nonNull(new GraphQLList(nonNull(GraphQLFloat))), description: 'Sample times, seconds since the epoch, oldest first.' },
    deployments: { type: nonNull(new GraphQLList(nonNull(ChartSeriesType))), description: 'Per Deployment: a desired, b ready replicas.' },
    hpaUtilization: { type: nonNull(new GraphQLList(nonNull(ChartSeriesType))), description: 'Per HPA: a current, b target CPU utilisation (%).' },
    hpaReplicas: { type: nonNull(new GraphQLList(nonNull(ChartSeriesType))), description: 'Per HPA: a current, b desired replicas.' },
  },
});

export const CHART_TYPE_NAMES = ['ChartHistory', 'ChartSeries', 'ChartPoint'];

export const chartHistoryField: GraphQLFieldConfig<unknown, GraphqlContext> = {
  type: nonNull(ChartHistoryType),
  description:
    "The last hour of every Deployment's desired/ready replicas and every HPA's utilisation and replicas, sampled by the apiserver (every 10 s and on changes): what /ui draws when it opens. Needs list on deployments.apps and horizontalpodautoscalers.autoscaling in all namespaces.",
  resolve: (_src, _args, ctx) =>
    guard(
      ctx,
      async () => {
        const snapshot = ctx.kube.chartHistory?.();
        if (!snapshot) throw unavailable('this apiserver keeps no chart history');
        return snapshot;
      },
      [access(resourceByKind('apps', 'Deployment'), 'list', undefined), access(resourceByKind('autoscaling', 'HorizontalPodAutoscaler'), 'list', undefined)],
    ),
};
