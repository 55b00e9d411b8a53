// SPDX-License-Identifier: GPL-2.0
/*
 * pwm-sim: a simulated PWM controller for latchkey's VM harness (stage two).
 *
 * Debian's arm64 kernel has CONFIG_PWM and CONFIG_PWM_SYSFS but no PWM device on QEMU's "virt" machine,
 * so /sys/class/pwm stays empty and latchkey's servo (sysfs PWM, pwmchip0/pwm0) cannot be set up. This
 * module registers one platform device "pwm-sim" with one PWM chip of NPWM channels. The kernel's own
 * PWM core provides /sys/class/pwm/pwmchipN (export, unexport, pwmM/period, duty_cycle, enable,
 * polarity) exactly as on a Raspberry Pi; this driver only accepts and records every state.
 *
 * The "physical" side, what a servo would see, is one read-only attribute of the platform device:
 *   /sys/devices/platform/pwm-sim/outputs   one line per channel:
 *       "<channel> enabled=<0|1> period=<ns> duty=<ns> polarity=<normal|inversed> applies=<n>"
 * applies counts the states the driver accepted for that channel.
 *
 * Parameters: npwm (channels, default 2).
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pwm.h>
#include <linux/slab.h>

#define PWM_SIM_MAX 16

static unsigned int npwm = 2;
module_param(npwm, uint, 0444);
MODULE_PARM_DESC(npwm, "number of PWM channels (1-16, default 2)");

struct pwm_sim_channel {
	struct pwm_state state;
	unsigned long applies;
};

struct pwm_sim {
	struct pwm_chip chip;
	struct mutex lock;
	struct pwm_sim_channel ch[PWM_SIM_MAX];
};

static struct platform_device *pwm_sim_pdev;
static struct pwm_sim *pwm_sim;

static int pwm_sim_apply(struct pwm_chip *chip, struct pwm_device *pwm, const struct pwm_state *state)
{
	struct pwm_sim *sim = container_of(chip, struct pwm_sim, chip);

	mutex_lock(&sim->lock);
	sim->ch[pwm->hwpwm].state = *state;
	sim->ch[pwm->hwpwm].applies++;
	mutex_unlock(&sim->lock);
	return 0;
}

static int pwm_sim_get_state(struct pwm_chip *chip, struct pwm_device *pwm, struct pwm_state *state)
{
	struct pwm_sim *sim = container_of(chip, struct pwm_sim, chip);

	mutex_lock(&sim->lock);
	*state = sim->ch[pwm->hwpwm].state;
	mutex_unlock(&sim->lock);
	return 0;
}

static const struct pwm_ops pwm_sim_ops = {
	.apply = pwm_sim_apply,
	.get_state = pwm_sim_get_state,
	.owner = THIS_MODULE,
};

static ssize_t outputs_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	ssize_t n = 0;
	unsigned int i;

	mutex_lock(&pwm_sim->lock);
	for (i = 0; i < pwm_sim->chip.npwm; i++) {
		const struct pwm_sim_channel *c = &pwm_sim->ch[i];

		n += sysfs_emit_at(buf, n, "%u enabled=%d period=%llu duty=%llu polarity=%s applies=%lu\n", i,
				   c->state.enabled ? 1 : 0, c->state.period, c->state.duty_cycle,
				   c->state.polarity == PWM_POLARITY_INVERSED ? "inversed" : "normal", c->applies);
	}
	mutex_unlock(&pwm_sim->lock);
	return n;
}
static DEVICE_ATTR_RO(outputs);

static int __init pwm_sim_init(void)
{
	int ret;

	if (npwm < 1 || npwm > PWM_SIM_MAX)
		return -EINVAL;
	pwm_sim = kzalloc(sizeof(*pwm_sim), GFP_KERNEL);
	if (!pwm_sim)
		return -ENOMEM;
	mutex_init(&pwm_sim->lock);
	pwm_sim_pdev = platform_device_register_simple("pwm-sim", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pwm_sim_pdev)) {
		ret = PTR_ERR(pwm_sim_pdev);
		goto err_free;
	}
	pwm_sim->chip.dev = &pwm_sim_pdev->dev;
	pwm_sim->chip.ops = &pwm_sim_ops;
	pwm_sim->chip.npwm = npwm;
	ret = device_create_file(&pwm_sim_pdev->dev, &dev_attr_outputs);
	if (ret)
		goto err_unregister;
	ret = pwmchip_add(&pwm_sim->chip);
	if (ret)
		goto err_file;
	dev_info(&pwm_sim_pdev->dev, "simulated PWM chip with %u channels\n", npwm);
	return 0;

err_file:
	device_remove_file(&pwm_sim_pdev->dev, &dev_attr_outputs);
err_unregister:
	platform_device_unregister(pwm_sim_pdev);
err_free:
	kfree(pwm_sim);
	return ret;
}

static void __exit pwm_sim_exit(void)
{
	pwmchip_remove(&pwm_sim->chip);
	device_remove_file(&pwm_sim_pdev->dev, &dev_attr_outputs);
	platform_device_unregister(pwm_sim_pdev);
	kfree(pwm_sim);
}

module_init(pwm_sim_init);
module_exit(pwm_sim_exit);
MODULE_DESCRIPTION("Simulated PWM controller (latchkey VM harness)");
MODULE_LICENSE("GPL");
