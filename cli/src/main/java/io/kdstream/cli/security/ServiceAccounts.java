package io.kdstream.cli.security;

import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.platform.kafka.ServiceUser;
import io.kdstream.producers.PromptProducer;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.worker.TeacherWorker;
import io.kdstream.trainer.service.TrainerService;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

/**
 * One Kafka principal per kdstream service, each allowed what the service does and nothing more: the embedded
 * platform's users when it starts secured, and what {@code k8s/base/users.yaml} grants the same users (a deployment
 * test holds the two equal). Every service may describe the {@code kd.*} topics (it checks at start that those it
 * needs exist) and write dead letters.
 */
public final class ServiceAccounts {

    /** Topics, groups and transactional ids a service's Kafka Streams application or consumer group names. */
    static final String ROUTER_APPLICATIONS = CacheRouter.SERVICE + "-";
    /** TeacherWorkerConfig's default group is kdstream-teacher-(model id); its transactional ids begin with it. */
    static final String TEACHER_GROUPS = "kdstream-teacher-";
    /** EvaluatorConfig's default group is kdstream-evaluator; its transactional ids begin with the group. */
    static final String EVALUATOR_GROUPS = EvaluatorService.SERVICE;

    public static final ServiceUser PRODUCER = user(PromptProducer.SERVICE, rules -> rules
            .topic(TopicCatalogue.PROMPTS.name(), WRITE));

    public static final ServiceUser ROUTER = user(CacheRouter.SERVICE, rules -> rules
            .topic(TopicCatalogue.PROMPTS.name(), READ)
            .topic(TopicCatalogue.TEACHER_LOGITS.name(), READ)
            .topic(TopicCatalogue.TEACHER_REQUESTS.name(), WRITE)
            // Kafka Streams: the application id kdstream-router-<teacher fingerprint> names the group, the internal
            // topics (repartition, changelog) and, under exactly_once_v2, the transactional ids
            .prefixed(ResourceType.GROUP, ROUTER_APPLICATIONS, READ, DESCRIBE)
            .prefixed(ResourceType.TOPIC, ROUTER_APPLICATIONS, ALL)
            .prefixed(ResourceType.TRANSACTIONAL_ID, ROUTER_APPLICATIONS, WRITE, DESCRIBE));

    public static final ServiceUser TEACHER_WORKER = user(TeacherWorker.SERVICE, rules -> rules
            .topic(TopicCatalogue.TEACHER_REQUESTS.name(), READ)
            .topic(TopicCatalogue.TEACHER_LOGITS.name(), WRITE)
            // group kdstream-teacher-<model id>; transactional ids <group>-<instance id>
            .prefixed(ResourceType.GROUP, TEACHER_GROUPS, READ, DESCRIBE)
            .prefixed(ResourceType.TRANSACTIONAL_ID, TEACHER_GROUPS, WRITE, DESCRIBE));

    /**
     * Reads the cache without a consumer group (its position is in every checkpoint), and the dead letters it sent
     * before, at start, so that a replay does not send them again.
     */
    public static final ServiceUser TRAINER = user(TrainerService.SERVICE, rules -> rules
            .topic(TopicCatalogue.TEACHER_LOGITS.name(), READ)
            .topic(TopicCatalogue.CHECKPOINTS.name(), WRITE)
            .topic(TopicCatalogue.DEAD_LETTER.name(), READ));

    /** Reads prompts (the held-out set) and the cache (the teacher's answers to compare with) besides checkpoints. */
    public static final ServiceUser EVALUATOR = user(EvaluatorService.SERVICE, rules -> rules
            .topic(TopicCatalogue.CHECKPOINTS.name(), READ)
            .topic(TopicCatalogue.PROMPTS.name(), READ)
            .topic(TopicCatalogue.TEACHER_LOGITS.name(), READ)
            .topic(TopicCatalogue.EVALS.name(), WRITE)
            // group kdstream-evaluator (by default); transactional ids <group>-<dataset>-<instance id>
            .prefixed(ResourceType.GROUP, EVALUATOR_GROUPS, READ, DESCRIBE)
            .prefixed(ResourceType.TRANSACTIONAL_ID, EVALUATOR_GROUPS, WRITE, DESCRIBE));

    /** For people: {@code kdstream cache stats|prune} and replays from a shell (docs/operations.md). */
    public static final ServiceUser OPS = new ServiceUser("kdstream-ops", new Rules(ServiceUser.principal("kdstream-ops"))
            .prefixed(ResourceType.TOPIC, "kd.", DESCRIBE, READ, WRITE)
            .prefixed(ResourceType.GROUP, "kdstream-ops", READ, DESCRIBE).acls);

    public static final List<ServiceUser> USERS = List.of(PRODUCER, ROUTER, TEACHER_WORKER, TRAINER, EVALUATOR, OPS);

    private ServiceAccounts() {
    }

    private static ServiceUser user(String name, UnaryOperator<Rules> grants) {
        Rules rules = new Rules(ServiceUser.principal(name))
                .prefixed(ResourceType.TOPIC, "kd.", DESCRIBE)
                .topic(TopicCatalogue.DEAD_LETTER.name(), WRITE);
        return new ServiceUser(name, grants.apply(rules).acls);
    }

    /** ACL bindings of one principal, allowed from any host. */
    private static final class Rules {
        private final String principal;
        private final List<AclBinding> acls = new ArrayList<>();

        Rules(String principal) {
            this.principal = principal;
        }

        Rules topic(String name, AclOperation... operations) {
            return add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operations);
        }

        Rules prefixed(ResourceType type, String prefix, AclOperation... operations) {
            return add(new ResourcePattern(type, prefix, PatternType.PREFIXED), operations);
        }

        private Rules add(ResourcePattern pattern, AclOperation... operations) {
            for (AclOperation operation : operations) {
                acls.add(new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
            return this;
        }
    }
}
